package io.sallyport.net.linux;

/** A Linux port backed by one file descriptor, so {@link LinuxReadySet} can poll it with others. */
sealed interface NativePort permits LinuxTun, LinuxSocketPort, LinuxEventFd, XdpEspReceivePort {

    NativeFd nativeFd();
}
