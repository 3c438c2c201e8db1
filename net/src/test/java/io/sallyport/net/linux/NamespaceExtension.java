package io.sallyport.net.linux;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A {@link RootNamespace} that lives as long as one root test class: declared as
 * <pre>{@code
 * @RegisterExtension
 * static final NamespaceExtension ns = NamespaceExtension.named("steer");
 * }</pre>
 * it is made before the class's {@code @BeforeAll} methods (which add the devices and addresses
 * the tests need: they go with the namespace) and deleted after its {@code @AfterAll} methods,
 * whether the tests passed or failed and even when a {@code @BeforeAll} broke halfway. Where this
 * environment cannot run root tests, the class is skipped, each test reported with the reason, and
 * nothing is made.
 */
final class NamespaceExtension extends RootNamespace implements ExecutionCondition, BeforeAllCallback, AfterAllCallback {

    private NamespaceExtension(final String tag) {
        super(tag);
    }

    /** Namespace {@code sp-net-test-TAG-PID}; each class its own tag. */
    static NamespaceExtension named(final String tag) {
        return new NamespaceExtension(tag);
    }

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(final ExtensionContext context) {
        final String why = whyUnavailable();
        return why == null ? ConditionEvaluationResult.enabled("root") : ConditionEvaluationResult.disabled(why);
    }

    @Override
    public void beforeAll(final ExtensionContext context) {
        create();
    }

    @Override
    public void afterAll(final ExtensionContext context) {
        close();
    }
}
