package io.sallyport.bench;

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
 * The floor under {@link EspBenchmark}: one bare JCA AES-GCM packet (init with a fresh 12-byte
 * nonce, 8-byte AAD, doFinal in place, 16-byte tag) and nothing else. ESP's own cost is the
 * difference.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class JcaGcmBaseline {

    @Param({"16", "32"})
    public int keyBytes;

    @Param({"64", "512", "1400"})
    public int size;

    private Cipher cipher;
    private SecretKeySpec key;
    private final byte[] nonce = new byte[12];
    private byte[] buf;
    private long counter;

    @Setup
    public void setUp() throws Exception {
        final byte[] k = new byte[keyBytes];
        new Random(1).nextBytes(k);
        key = new SecretKeySpec(k, "AES");
        cipher = Cipher.getInstance("AES/GCM/NoPadding");
        buf = new byte[size + 64];
    }

    @Benchmark
    public int sealOnePacket() throws Exception {
        final long c = ++counter;
        for (int i = 0; i < 8; i++) {
            nonce[4 + i] = (byte) (c >>> (56 - 8 * i));
        }
        cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
        cipher.updateAAD(buf, 0, 8);
        return cipher.doFinal(buf, 16, size, buf, 16);
    }
}
