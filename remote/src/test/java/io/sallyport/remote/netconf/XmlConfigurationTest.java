package io.sallyport.remote.netconf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sallyport.config.ConfigDisplay;
import io.sallyport.config.ConfigPrinter;
import io.sallyport.config.ConfigSyntaxException;
import io.sallyport.config.ConfigText;
import io.sallyport.config.Node;
import io.sallyport.remote.SafeXml;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.w3c.dom.Element;

/** Junos XML in, set commands out: every example configuration survives display xml → load. */
class XmlConfigurationTest {
    private static final Path EXAMPLES = Path.of("../examples").toAbsolutePath().normalize();

    private static Node load(Node base, String xml) throws Exception {
        Element configuration = SafeXml.parse(xml).getDocumentElement();
        return ConfigText.applySetCommands(base, XmlConfiguration.commands(configuration));
    }

    @TestFactory
    Stream<DynamicTest> everyExampleRoundTripsThroughItsXmlForm() throws Exception {
        List<Path> configs;
        try (Stream<Path> s = Files.walk(EXAMPLES)) {
            configs = s.filter(p -> p.toString().endsWith(".conf") && !p.startsWith(EXAMPLES.resolve("invalid"))).sorted().toList();
        }
        assertTrue(configs.size() >= 10, configs.toString());
        return configs.stream().map(p -> DynamicTest.dynamicTest(EXAMPLES.relativize(p).toString(), () -> {
            Node tree = ConfigText.parse(Files.readString(p));
            Node loaded = load(Node.root(), ConfigDisplay.xml(tree));
            assertEquals(ConfigPrinter.braces(tree), ConfigPrinter.braces(loaded));
        }));
    }

    @Test
    void operationAttributesDeleteReplaceAndDeactivate() throws Exception {
        Node base = ConfigText.parse("""
                set system host-name r1
                set system login user a class operator
                set system login user b class read-only
                set system services ssh port 2222
                """);
        Node edited = load(base, """
                <configuration>
                  <system>
                    <login>
                      <user operation="delete"><name>a</name></user>
                      <user replace="replace"><name>b</name><full-name>Bee</full-name><class>super-user</class></user>
                    </login>
                    <services><ssh inactive="inactive"><port>22</port></ssh></services>
                  </system>
                </configuration>""");
        String text = ConfigPrinter.setCommands(edited);
        assertTrue(!text.contains("user a "), text);
        assertTrue(text.contains("set system login user b full-name Bee"), text);
        assertTrue(text.contains("set system login user b class super-user"), text);
        assertTrue(text.contains("deactivate system services ssh"), text);
        assertTrue(text.contains("set system services ssh port 22"), text);
    }

    @Test
    void unknownStatementsAndMissingKeysAreSyntaxErrors() {
        assertThrows(ConfigSyntaxException.class, () -> load(Node.root(), "<configuration><bogus/></configuration>"));
        assertThrows(ConfigSyntaxException.class,
                () -> load(Node.root(), "<configuration><system><login><user><class>operator</class></user></login></system></configuration>"));
    }
}
