package io.sallyport.config.check;

import io.sallyport.config.Node;
import io.sallyport.config.model.Configuration;
import io.sallyport.config.model.ModelBuilder;

import java.util.Optional;

/**
 * {@code commit check}: every constraint of reference §3 over a configuration tree's active
 * statements (inactive ones are ignored, as Junos does), plus a warning for each statement
 * Sallyport does not act on yet. On success the result carries the typed model.
 */
public final class CommitCheck {

    private CommitCheck() {}

    public static CheckResult check(Node tree) {
        Node root = tree.activeOnly();
        Findings f = new Findings();
        TopologyRules.check(root, f);
        ServiceSetRules.check(root, f);
        InterfaceServiceRules.check(root, f);
        PartialSupport.check(root, f);
        RuleRules.check(root, f);
        ObjectRules.check(root, f);
        AccessRules.check(root, f);
        PkiRules.check(root, f);
        SystemRules.check(root, f);
        Unsupported.check(root, f);
        CheckResult partial = new CheckResult(f.all(), Optional.empty());
        if (!partial.succeeded()) return partial;
        Configuration model = ModelBuilder.build(root);
        return new CheckResult(f.all(), Optional.of(model));
    }
}
