package io.sallyport.config;

import io.sallyport.config.check.CheckResult;
import io.sallyport.config.check.CommitCheck;
import io.sallyport.config.model.Configuration;
import io.sallyport.config.model.ModelBuilder;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The commit check is total: any tree the schema accepts gets a verdict, never an exception. */
class CommitCheckPropertiesTest {

    @Property(tries = 300)
    void everyTreeGetsAVerdictAndAModelWhenItPasses(@ForAll long seed) {
        Node tree = RandomConfigs.tree(seed);
        CheckResult r = CommitCheck.check(tree);
        assertEquals(r.succeeded(), r.configuration().isPresent());
        assertTrue(r.render().endsWith(r.succeeded() ? "configuration check succeeds\n"
            : "error: commit failed: (statements constraint check failed)\n"));
    }

    /** The model is built even from trees that fail the checks, and holds every active service set and rule. */
    @Property(tries = 300)
    void theModelBuildsFromAnySchemaValidTree(@ForAll long seed) {
        Node active = RandomConfigs.tree(seed).activeOnly();
        Configuration model = ModelBuilder.build(active);
        Node services = active.child("services").orElse(Node.root());
        assertEquals(services.all("service-set").stream().map(Node::key).toList(), List.copyOf(model.serviceSets().keySet()));
        assertEquals(services.child("ipsec-vpn").map(v -> v.all("rule").stream().map(Node::key).toList()).orElse(List.of()),
            List.copyOf(model.ipsecVpn().rules().keySet()));
    }
}
