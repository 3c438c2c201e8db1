package io.sallyport.app;

import io.sallyport.lab.Demo;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code sallyport demo}: the reference's MS-MPC example, run in the in-JVM lab. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Runs the reference §5.1 MS-MPC example (two routers, a LAN behind each) in the lab:",
                "the real gateway engine on virtual links and a simulated clock; no root needed.",
                "IKE negotiates, h1 pings h2 through the tunnel, and each router shows its SAs.",
                "Exits 0, or 1 naming the phase that failed."})
final class DemoCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        // The gateway logs every SA at INFO; in the lab those lines would bury the output the user asked for.
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        return Demo.run(System.out);
    }
}
