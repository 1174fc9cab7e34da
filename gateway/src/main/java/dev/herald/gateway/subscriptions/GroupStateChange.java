package dev.herald.gateway.subscriptions;

import dev.herald.gateway.http.ApiException;
import dev.herald.gateway.store.StoreTx;
import dev.herald.gateway.store.UserRow;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One validated subscription-group state change: a group, {@code subscribed} or {@code unsubscribed}, and the users
 * it applies to, named by external id and by email address (email groups) or phone number (SMS groups). Every
 * profile carrying a named address changes, as Braze documents; ids and addresses no profile has change nothing.
 */
record GroupStateChange(SubscriptionGroup group, String state, List<String> externalIds, List<String> emails,
                        List<String> phones) {
    GroupStateChange {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(state, "state");
        externalIds = List.copyOf(externalIds);
        emails = List.copyOf(emails);
        phones = List.copyOf(phones);
    }

    /**
     * Validates one change as Braze's endpoints describe it: a known group, a state of {@code subscribed} or
     * {@code unsubscribed}, at least one user, never both emails and phones, and only the address kind of the
     * group's channel.
     *
     * @param where the request path of the change's fields, for messages ({@code ""} or {@code subscription_groups[1].})
     */
    static GroupStateChange validate(SubscriptionGroup group, String state, List<String> externalIds,
                                     List<String> emails, List<String> phones, String where) {
        if (!state.equals("subscribed") && !state.equals("unsubscribed")) {
            throw ApiException.badRequest(where + "subscription_state must be subscribed or unsubscribed, was \""
                    + state + "\"");
        }
        if (!emails.isEmpty() && !phones.isEmpty()) {
            throw ApiException.badRequest(AddressInputs.EMAIL_AND_PHONE);
        }
        if (externalIds.isEmpty() && emails.isEmpty() && phones.isEmpty()) {
            throw ApiException.badRequest(where + (group.channel() == SubscriptionGroup.Channel.SMS
                    ? "external_id or phone is required" : "external_id or email is required"));
        }
        if (group.channel() == SubscriptionGroup.Channel.SMS && !emails.isEmpty()) {
            throw ApiException.badRequest(where + "email cannot be used with SMS subscription group \"" + group.id()
                    + "\": give external_id or phone");
        }
        if (group.channel() == SubscriptionGroup.Channel.EMAIL && !phones.isEmpty()) {
            throw ApiException.badRequest(where + "phone cannot be used with email subscription group \"" + group.id()
                    + "\": give external_id or email");
        }
        return new GroupStateChange(group, state, externalIds, emails, phones);
    }

    /** Writes the state for every matching profile; how many profiles changed. */
    int apply(StoreTx tx, String workspace, Instant now) throws SQLException {
        Map<Long, UserRow> users = new LinkedHashMap<>();
        for (String id : externalIds) {
            tx.users().byExternalId(workspace, id).ifPresent(u -> users.putIfAbsent(u.id(), u));
        }
        for (String email : emails) {
            tx.users().allBy(workspace, "email", email).forEach(u -> users.putIfAbsent(u.id(), u));
        }
        for (String phone : phones) {
            tx.users().allBy(workspace, "phone", phone).forEach(u -> users.putIfAbsent(u.id(), u));
        }
        for (UserRow u : users.values()) {
            tx.users().putSubscription(u.id(), group.id(), state, now);
        }
        return users.size();
    }
}
