package io.sallyport.bench;

import io.sallyport.crypto.EncryptionAlgorithm;
import io.sallyport.crypto.EspCipher;
import java.nio.ByteBuffer;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Which way of calling the JCA's AES-GCM costs least per ESP packet (issue 14): the SA's own
 * {@link EspCipher} against bare JCA call patterns that differ in one thing each. Every operation
 * first copies the sealed (or plain) packet into the work buffer, as {@link EspBenchmark} does, so
 * the patterns differ only in the crypto call.
 *
 * <ul>
 * <li>{@code espSeal} / {@code espOpen}: {@link EspCipher#seal} / {@link EspCipher#open}, what the
 *     workers run.
 * <li>{@code jcaOpenInPlace}: decrypt with input and output the same array and offset (SunJCE then
 *     runs GHASH and CTR as two passes: its fused AES-GCM intrinsic would overwrite the ciphertext
 *     before GHASH read it).
 * <li>{@code jcaOpenToScratch}: decrypt into another array (the fused intrinsic), no copy back.
 * <li>{@code jcaOpenToScratchCopyBack}: the same, then the plaintext copied back over the
 *     ciphertext, so the caller still finds it in place.
 * <li>{@code jcaOpenHeapBuffers}: in place through heap {@code ByteBuffer}s.
 * <li>{@code jcaSealInPlace}: encrypt in place (in = out, the fused intrinsic applies).
 * <li>{@code jcaSealToScratch}: encrypt into another array.
 * <li>{@code bcSealInPlace}: {@code jcaSealInPlace} through Bouncy Castle's provider (its GCM is
 *     Java, without the JDK's intrinsics).
 * <li>{@code jcaInitOnly}: {@code Cipher.init} with a new nonce, 8 bytes of AAD, and an empty
 *     {@code doFinal}: the fixed cost per packet.
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class GcmCallPattern {

    @Param({"aes-128-gcm", "aes-256-gcm"})
    public String suite;

    /** Plaintext bytes (inner packet, padding and ESP trailer), a multiple of 4. */
    @Param({"64", "1424"})
    public int size;

    private static final int ESP = 64;
    private static final int IV = 8;
    private static final int ICV = 16;

    private EspCipher esp;
    private Cipher cipher;
    private Cipher bc;
    private SecretKeySpec key;
    private final byte[] nonce = new byte[12];
    private byte[] plain;
    private byte[] sealed;
    private byte[] work;
    private byte[] scratch;
    private int espLength;
    private long seq;

    @Setup
    public void setUp() throws Exception {
        final EncryptionAlgorithm alg = EncryptionAlgorithm.fromKeyword(suite).orElseThrow();
        final Random r = new Random(1);
        final byte[] material = new byte[alg.keyMaterialSize()];
        r.nextBytes(material);
        esp = EspCipher.create(alg, null, material, null, 0);
        key = new SecretKeySpec(material, 0, alg.keyBits() / 8, "AES");
        System.arraycopy(material, alg.keyBits() / 8, nonce, 0, 4);
        cipher = Cipher.getInstance("AES/GCM/NoPadding");
        bc = Cipher.getInstance("AES/GCM/NoPadding", new org.bouncycastle.jce.provider.BouncyCastleProvider());
        plain = new byte[ESP + 8 + IV + size + ICV];
        r.nextBytes(plain);
        work = new byte[plain.length + 64];
        scratch = new byte[work.length];
        System.arraycopy(plain, 0, work, 0, plain.length);
        espLength = esp.seal(work, ESP, size, ++seq, false);
        sealed = java.util.Arrays.copyOf(work, plain.length);
        if (espOpen() != size || jcaOpenInPlace() != size || jcaOpenToScratch() != size
                || jcaOpenToScratchCopyBack() != size || jcaOpenHeapBuffers() != size) {
            throw new IllegalStateException("setup: a pattern did not open the sealed packet");
        }
    }

    private void nextNonce() {
        final long s = ++seq;
        for (int i = 0; i < 8; i++) {
            nonce[4 + i] = (byte) (s >>> (56 - 8 * i));
        }
    }

    @Benchmark
    public int espSeal() {
        System.arraycopy(plain, 0, work, 0, plain.length);
        return esp.seal(work, ESP, size, ++seq, false);
    }

    @Benchmark
    public int espOpen() {
        System.arraycopy(sealed, 0, work, 0, sealed.length);
        return esp.open(work, ESP, espLength, 1, false);
    }

    @Benchmark
    public int jcaSealInPlace() throws Exception {
        System.arraycopy(plain, 0, work, 0, plain.length);
        nextNonce();
        cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
        cipher.updateAAD(work, ESP, 8);
        return cipher.doFinal(work, ESP + 16, size, work, ESP + 16);
    }

    @Benchmark
    public int jcaSealToScratch() throws Exception {
        System.arraycopy(plain, 0, work, 0, plain.length);
        nextNonce();
        cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
        cipher.updateAAD(work, ESP, 8);
        return cipher.doFinal(work, ESP + 16, size, scratch, 0);
    }

    @Benchmark
    public int bcSealInPlace() throws Exception {
        System.arraycopy(plain, 0, work, 0, plain.length);
        nextNonce();
        bc.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
        bc.updateAAD(work, ESP, 8);
        return bc.doFinal(work, ESP + 16, size, work, ESP + 16);
    }

    @Benchmark
    public int jcaInitOnly() throws Exception {
        nextNonce();
        cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
        cipher.updateAAD(work, ESP, 8);
        return cipher.doFinal(work, ESP + 16, 0, scratch, 0);
    }

    private void initOpen() throws Exception {
        System.arraycopy(sealed, ESP + 8, nonce, 4, IV);
        cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, nonce));
        cipher.updateAAD(work, ESP, 8);
    }

    @Benchmark
    public int jcaOpenInPlace() throws Exception {
        System.arraycopy(sealed, 0, work, 0, sealed.length);
        initOpen();
        return cipher.doFinal(work, ESP + 16, size + ICV, work, ESP + 16);
    }

    @Benchmark
    public int jcaOpenToScratch() throws Exception {
        System.arraycopy(sealed, 0, work, 0, sealed.length);
        initOpen();
        return cipher.doFinal(work, ESP + 16, size + ICV, scratch, 0);
    }

    @Benchmark
    public int jcaOpenToScratchCopyBack() throws Exception {
        System.arraycopy(sealed, 0, work, 0, sealed.length);
        initOpen();
        final int n = cipher.doFinal(work, ESP + 16, size + ICV, scratch, 0);
        System.arraycopy(scratch, 0, work, ESP + 16, n);
        return n;
    }

    @Benchmark
    public int jcaOpenHeapBuffers() throws Exception {
        System.arraycopy(sealed, 0, work, 0, sealed.length);
        initOpen();
        return cipher.doFinal(ByteBuffer.wrap(work, ESP + 16, size + ICV), ByteBuffer.wrap(work, ESP + 16, size));
    }
}
