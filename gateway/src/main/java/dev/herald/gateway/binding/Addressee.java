package dev.herald.gateway.binding;

import dev.herald.config.WorkspaceConfig;
import dev.herald.gateway.model.SubscriptionState;
import dev.herald.gateway.store.UserRow;
import java.util.Objects;
import java.util.Optional;

/**
 * A recipient being expanded into deliveries.
 *
 * @param recipientKey how the journal writes the recipient (for reasons such as "no profile for external_id:u1")
 * @param user         their profile, when the directory has one
 * @param state        the dispatch's {@code recipient_subscription_state}
 */
public record Addressee(WorkspaceConfig workspace, String recipientKey, Optional<UserRow> user,
                        SubscriptionState state) {
    public Addressee {
        Objects.requireNonNull(workspace, "workspace");
        Objects.requireNonNull(recipientKey, "recipientKey");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(state, "state");
    }
}
