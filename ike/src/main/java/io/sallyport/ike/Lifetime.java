package io.sallyport.ike;

/** Soft (rekey) and hard (expire) lifetimes of an SA in seconds, after jitter. */
public record Lifetime(long softSeconds, long hardSeconds) {
}
