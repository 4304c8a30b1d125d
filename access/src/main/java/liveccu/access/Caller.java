package liveccu.access;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import liveccu.model.ApiKey;

/**
 * Who is asking, as the request's key says: which accounts it may read and what it may do.
 *
 * @param keyId       the key's id (logs, metrics, audit); {@code operator} or {@code open} for the two built-in callers
 * @param label       what the operator called the key
 * @param allAccounts true when it reads every account; else {@code accounts} lists them
 * @param operator    may manage keys and erase viewer data: only {@code CCU_API_KEY} (or anyone, when it is unset)
 */
public record Caller(String keyId, String label, boolean allAccounts, Set<String> accounts, Set<Scope> scopes, boolean operator) {

    /** The holder of CCU_API_KEY. */
    static final Caller OPERATOR = new Caller("operator", "the operator key (CCU_API_KEY)", true, Set.of(), EnumSet.allOf(Scope.class), true);
    /** Anyone, on an install without CCU_API_KEY (one team, a trusted network): the operator's rights. */
    static final Caller OPEN = new Caller("open", "no key: this API is open", true, Set.of(), EnumSet.allOf(Scope.class), true);

    static Caller of(ApiKey key) {
        boolean all = key.accounts().contains(ApiKey.ALL_ACCOUNTS);
        Set<Scope> scopes = key.scopes().stream().flatMap(label -> Scope.parse(label).stream())
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(Scope.class)));
        return new Caller(key.id(), key.label(), all, all ? Set.of() : Set.copyOf(key.accounts()), scopes, false);
    }

    public boolean mayRead(String account) {
        return allAccounts || accounts.contains(account);
    }

    public boolean has(Scope scope) {
        return scopes.contains(scope);
    }

    /** The accounts it may read, for messages: "*" or the list. */
    public String describeAccounts() {
        return allAccounts ? ApiKey.ALL_ACCOUNTS : String.join(", ", accounts.stream().sorted().toList());
    }

    /** Its scopes' labels, for messages. */
    public List<String> scopeLabels() {
        return scopes.stream().sorted().map(Scope::label).toList();
    }
}
