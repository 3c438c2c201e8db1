package io.sallyport.config;

import io.sallyport.config.check.CheckResult;
import io.sallyport.config.check.CommitCheck;
import io.sallyport.config.model.Configuration;
import io.sallyport.config.model.ModelBuilder;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

/** The commit check is total: any tree the schema accepts gets a verdict, never an exception. */
class CommitCheckPropertiesTest {

    @Test
    void everyTreeGetsAVerdictAndAModelWhenItPasses() {
        qt().withExamples(300).forAll(longs().all()).checkAssert(seed -> {
            Node tree = RandomConfigs.tree(seed);
            CheckResult r = CommitCheck.check(tree);
            assertEquals(r.succeeded(), r.configuration().isPresent());
            assertTrue(r.render().endsWith(r.succeeded() ? "configuration check succeeds\n"
                : "error: commit failed: (statements constraint check failed)\n"));
        });
    }

    /** The model is built even from trees that fail the checks, and holds every active service set and rule. */
    @Test
    void theModelBuildsFromAnySchemaValidTree() {
        qt().withExamples(300).forAll(longs().all()).checkAssert(seed -> {
            Node active = RandomConfigs.tree(seed).activeOnly();
            Configuration model = ModelBuilder.build(active);
            Node services = active.child("services").orElse(Node.root());
            assertEquals(services.all("service-set").stream().map(Node::key).toList(), List.copyOf(model.serviceSets().keySet()));
            assertEquals(services.child("ipsec-vpn").map(v -> v.all("rule").stream().map(Node::key).toList()).orElse(List.of()),
                List.copyOf(model.ipsecVpn().rules().keySet()));
        });
    }
}
