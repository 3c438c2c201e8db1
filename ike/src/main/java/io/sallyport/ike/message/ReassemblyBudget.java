package io.sallyport.ike.message;

/** Bytes of IKE fragments the whole engine may hold at once; each {@link FragmentBuffer} draws on it. */
public final class ReassemblyBudget {

    private final long limit;
    private long used;

    public ReassemblyBudget(long limit) {
        this.limit = limit;
    }

    boolean reserve(int n) {
        if (used + n > limit) {
            return false;
        }
        used += n;
        return true;
    }

    void release(long n) {
        used -= n;
    }

    public long used() { return used; }
}
