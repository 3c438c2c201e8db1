package io.sallyport.crypto;

/**
 * IKEv2 key derivation, named after RFC 7296 terms. All methods are pure functions of their inputs.
 */
public final class IkeKeyDerivation {

    private IkeKeyDerivation() {
    }

    /** SKEYSEED = prf(Ni | Nr, g^ir) (RFC 7296 §2.14). */
    public static byte[] skeyseed(PrfAlgorithm prf, byte[] ni, byte[] nr, byte[] sharedSecret) {
        return new Prf(prf).prf(concat(ni, nr), sharedSecret);
    }

    /** SKEYSEED = prf(SK_d (old), g^ir (new) | Ni | Nr) for an IKE SA rekey (RFC 7296 §2.18). */
    public static byte[] rekeySkeyseed(PrfAlgorithm oldPrf, byte[] oldSkD, byte[] sharedSecret, byte[] ni, byte[] nr) {
        return new Prf(oldPrf).prf(oldSkD, sharedSecret, ni, nr);
    }

    /**
     * {SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi | SK_pr} = prf+(SKEYSEED, Ni | Nr | SPIi | SPIr).
     *
     * @param integrity null for AEAD encryption
     */
    public static IkeSaKeys ikeSaKeys(PrfAlgorithm prf, EncryptionAlgorithm encryption, IntegrityAlgorithm integrity,
                                      byte[] skeyseed, byte[] ni, byte[] nr, long spiI, long spiR) {
        int prfLen = prf.outputSize();
        int integLen = integrity == null ? 0 : integrity.keySize();
        int encLen = encryption.keyMaterialSize();
        byte[] seed = concat(ni, nr, longBytes(spiI), longBytes(spiR));
        byte[] km = new Prf(prf).prfPlus(skeyseed, seed, 3 * prfLen + 2 * integLen + 2 * encLen);
        int[] off = {0};
        return new IkeSaKeys(take(km, off, prfLen), take(km, off, integLen), take(km, off, integLen),
                take(km, off, encLen), take(km, off, encLen), take(km, off, prfLen), take(km, off, prfLen));
    }

    /**
     * KEYMAT = prf+(SK_d, [g^ir (new) |] Ni | Nr) for a child SA (RFC 7296 §2.17). The caller
     * splits it: initiator-to-responder encryption then integrity key, then the other direction.
     *
     * @param sharedSecret null when the exchange carried no KE payload
     */
    public static byte[] childKeyMaterial(PrfAlgorithm prf, byte[] skD, byte[] sharedSecret, byte[] ni, byte[] nr, int length) {
        byte[] seed = sharedSecret == null ? concat(ni, nr) : concat(sharedSecret, ni, nr);
        return new Prf(prf).prfPlus(skD, seed, length);
    }

    static byte[] longBytes(long v) {
        byte[] b = new byte[8];
        for (int i = 7; i >= 0; i--) {
            b[i] = (byte) v;
            v >>>= 8;
        }
        return b;
    }

    private static byte[] take(byte[] km, int[] off, int len) {
        byte[] out = java.util.Arrays.copyOfRange(km, off[0], off[0] + len);
        off[0] += len;
        return out;
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int o = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, o, p.length);
            o += p.length;
        }
        return out;
    }
}
