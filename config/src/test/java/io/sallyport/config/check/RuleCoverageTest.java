package io.sallyport.config.check;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Every commit-check message has an invalid example whose expected output contains it. */
class RuleCoverageTest {

    static final Path INVALID = Path.of(System.getProperty("user.dir")).resolve("../examples/invalid").normalize();

    /** Messages of warnings, which never fail a commit (WarningsTest, PkiRulesTest and TermOverridesTest cover them). */
    static final Set<String> WARNINGS = Set.of("INSIDE_INTERFACE_MISMATCH", "CRL_URL_UNREADABLE", "PKCS7_PEER_CERTIFICATE", "DN_WITHOUT_CERTIFICATE",
            "REMOTE_DN_WITHOUT_CERTIFICATE", "CA_IDENTITY", "DF_DYNAMIC_ONLY", "NAMED_CLIENT");

    @Test
    void everyMessageIsExercisedByAnInvalidExample() throws IOException, IllegalAccessException {
        StringBuilder all = new StringBuilder();
        try (Stream<Path> s = Files.list(INVALID)) {
            for (Path p : s.filter(x -> x.toString().endsWith(".expected")).toList()) all.append(Files.readString(p));
        }
        List<String> missing = new ArrayList<>();
        for (Class<?> rules : List.of(ServiceSetRules.class, Exclusions.class, RuleRules.class, ObjectRules.class,
                AccessRules.class, TopologyRules.class, PkiRules.class, SystemRules.class)) {
            for (Field f : rules.getDeclaredFields()) {
                if (f.getType() != String.class || !Modifier.isStatic(f.getModifiers())) continue;
                if (WARNINGS.contains(f.getName())) continue;
                f.setAccessible(true);
                String message = (String) f.get(null);
                if (!all.toString().contains("    " + message)) missing.add(rules.getSimpleName() + "." + f.getName());
            }
        }
        assertEquals(List.of(), missing);
    }
}
