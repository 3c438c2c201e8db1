package io.sallyport.gateway.daemon;

import java.util.concurrent.CountDownLatch;

/** Run by {@link FatalErrorsTest} in its own JVM: a daemon thread dies of an Error while main waits forever. */
final class FatalErrorChild {
    private FatalErrorChild() {
    }

    public static void main(String[] args) throws InterruptedException {
        FatalErrors.install();
        Thread.ofPlatform().name("kmd").daemon().start(() -> {
            throw new OutOfMemoryError("Java heap space");
        });
        new CountDownLatch(1).await();
    }
}
