package io.sallyport.app;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** {@code --version}: the project version the build wrote into {@code sallyport-version.properties}. */
final class SallyportVersion implements IVersionProvider {

    @Override
    public String[] getVersion() throws IOException {
        Properties p = new Properties();
        try (InputStream in = SallyportVersion.class.getResourceAsStream("/sallyport-version.properties")) {
            if (in != null) p.load(in);
        }
        return new String[] {"sallyport " + p.getProperty("version", "(unknown version)"),
                "Java " + Runtime.version() + " (" + System.getProperty("java.vm.vendor") + ")"};
    }
}
