package io.sallyport.config.store;

import io.sallyport.config.ConfigText;
import io.sallyport.config.Node;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;

/**
 * Child process of {@link StoreCrashTest}: commits numbered configurations as fast as it can and
 * acknowledges each on stdout after {@code commit} returns, until it is killed.
 */
public final class StoreCrashChild {

    private StoreCrashChild() {}

    public static void main(String[] args) throws Exception {
        ConfigStore store = ConfigStore.open(Path.of(args[0]), Clock.systemUTC());
        int start = Integer.parseInt(args[1]);
        for (int i = start; ; i++) {
            store.setCandidate(numbered(i));
            if (!store.commit("crash-test", Optional.of("commit " + i)).committed()) throw new IllegalStateException("rejected " + i);
            System.out.println("committed " + i);
            System.out.flush();
        }
    }

    /** A configuration of some size whose host name carries the commit number. */
    static Node numbered(int i) throws Exception {
        StringBuilder sb = new StringBuilder("set system host-name r" + i + "\n");
        for (int k = 0; k < 40; k++) {
            sb.append("set services service-set ss").append(k).append(" ipsec-vpn-options tunnel-mtu ").append(1000 + i % 100).append('\n');
        }
        return ConfigText.parseSetCommands(sb.toString());
    }

    static int number(Node tree) {
        return Integer.parseInt(tree.child("system").flatMap(s -> s.value("host-name")).orElseThrow().substring(1));
    }
}
