package io.sallyport.remote;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The Junos predefined login classes Sallyport knows: what a user may run. {@code super-user}
 * may do everything; {@code operator} may look and clear; {@code read-only} may only look.
 * Only {@code super-user} has Junos's {@code secret} permission: the other classes see the
 * configuration with every secret ($9$ keys are reversible, password hashes can be guessed at)
 * shown as {@code /* SECRET-DATA *}{@code /}, as Junos shows it to them.
 */
public enum LoginClass {
    SUPER_USER("super-user", Set.of()),
    OPERATOR("operator", Set.of("show", "clear", "exit", "quit")),
    READ_ONLY("read-only", Set.of("show", "exit", "quit"));

    private final String keyword;
    private final Set<String> operational;

    LoginClass(String keyword, Set<String> operational) {
        this.keyword = keyword;
        this.operational = operational;
    }

    public String keyword() { return keyword; }

    /** Junos's {@code secret} permission: whether this class sees secrets in the configuration, or {@code /* SECRET-DATA *}{@code /}. */
    public boolean seesSecrets() { return this == SUPER_USER; }

    public static Optional<LoginClass> of(String keyword) {
        for (LoginClass c : values()) if (c.keyword.equals(keyword)) return Optional.of(c);
        return Optional.empty();
    }

    /** Why this class may not run {@code words} (expanded command words), or empty when it may. */
    public Optional<String> refusal(boolean configurationMode, List<String> words) {
        if (this == SUPER_USER || words.isEmpty()) return Optional.empty();
        String first = words.getFirst();
        if (configurationMode || !operational.contains(first)) {
            return Optional.of("error: permission denied: login class " + keyword + " may not run '" + first + "'\n");
        }
        return Optional.empty();
    }
}
