package dev.herald.gateway.subscriptions;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.gateway.http.Access;
import dev.herald.gateway.http.ApiCall;
import dev.herald.gateway.http.ApiException;
import dev.herald.gateway.http.ApiResponse;
import dev.herald.gateway.http.Endpoint;
import dev.herald.gateway.http.Lenient;
import dev.herald.gateway.idempotency.Idempotency;
import dev.herald.gateway.json.Json;
import dev.herald.gateway.store.EmailAddressRow;
import dev.herald.gateway.store.ListQuery;
import dev.herald.gateway.store.Listed;
import dev.herald.gateway.store.Store;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * Braze's email list endpoints, state kept per workspace and address:
 * <ul>
 *   <li>{@code POST /email/status} ({@code email.status}): sets the subscription state of up to 50 addresses, on
 *       every profile that has one and for profiles that get it later;</li>
 *   <li>{@code GET /email/unsubscribes} ({@code email.unsubscribe}) and {@code GET /email/hard_bounces}
 *       ({@code email.hard_bounces}): the lists, by date range or by address;</li>
 *   <li>{@code POST /email/bounce/remove} ({@code email.bounce.remove}): off the hard-bounce list (and the
 *       blocklist), profiles' bounce marks cleared;</li>
 *   <li>{@code POST /email/spam/remove} ({@code email.spam.remove}): validated and answered; Herald receives no
 *       spam complaints (no feedback loop), so it keeps no spam list to take anything off;</li>
 *   <li>{@code POST /email/blocklist} and the legacy {@code POST /email/blacklist} ({@code email.blacklist}):
 *       unsubscribed and hard bounced at once.</li>
 * </ul>
 */
public final class EmailListEndpoints {
    private static final Set<String> STATES = Set.of("subscribed", "unsubscribed", "opted_in");

    private final Store store;

    /** The endpoints over {@code store}. */
    public EmailListEndpoints(Store store) {
        this.store = store;
    }

    /** Every route. */
    public List<Endpoint> endpoints() {
        return List.of(Endpoint.post("/email/status", Access.permission("email.status"), this::status),
                Endpoint.get("/email/unsubscribes", Access.permission("email.unsubscribe"), this::unsubscribes),
                Endpoint.get("/email/hard_bounces", Access.permission("email.hard_bounces"), this::hardBounces),
                Endpoint.post("/email/bounce/remove", Access.permission("email.bounce.remove"), this::removeBounces),
                Endpoint.post("/email/spam/remove", Access.permission("email.spam.remove"), this::removeSpam),
                Endpoint.post("/email/blocklist", Access.permission("email.blacklist"), this::blocklist),
                Endpoint.post("/email/blacklist", Access.permission("email.blacklist"), this::blocklist));
    }

    private CompletionStage<ApiResponse> status(ApiCall call) {
        List<String> emails = requiredEmails(call);
        String state = Lenient.string(call.body(), "subscription_state", "subscription_state")
                .map(s -> s.trim().toLowerCase(Locale.ROOT))
                .orElseThrow(() -> ApiException.badRequest("subscription_state is required (subscribed, unsubscribed "
                        + "or opted_in)"));
        if (!STATES.contains(state)) {
            throw ApiException.badRequest("subscription_state must be subscribed, unsubscribed or opted_in, was \""
                    + state + "\"");
        }
        return write(call, emails, (ws, now) -> (tx, email) -> {
            tx.emailAddresses().setSubscription(ws, email, state, now);
            tx.users().setEmailSubscribe(ws, email, state, now);
        });
    }

    private CompletionStage<ApiResponse> removeBounces(ApiCall call) {
        return write(call, requiredEmails(call), (ws, now) -> (tx, email) -> {
            tx.emailAddresses().removeBounce(ws, email, now);
            tx.users().clearEmailInvalid(ws, email, now);
        });
    }

    private CompletionStage<ApiResponse> removeSpam(ApiCall call) {
        return write(call, requiredEmails(call), (ws, now) -> (tx, email) -> {
            // Nothing is listed as spam: Herald never learns of complaints (see the class comment).
        });
    }

    private CompletionStage<ApiResponse> blocklist(ApiCall call) {
        return write(call, requiredEmails(call), (ws, now) -> (tx, email) -> {
            tx.emailAddresses().blocklist(ws, email, now);
            tx.users().setEmailSubscribe(ws, email, "unsubscribed", now);
            tx.users().invalidateEmail(ws, email, "blocklisted via /email/blocklist", now);
        });
    }

    private static List<String> requiredEmails(ApiCall call) {
        List<String> emails = AddressInputs.emails(AddressInputs.strings(call.body(), "email"), "email");
        if (emails.isEmpty()) {
            throw ApiException.badRequest("email is required (an address or an array of up to " + AddressInputs.MAX
                    + ")");
        }
        return emails;
    }

    /** One address's change inside the request's transaction. */
    @FunctionalInterface
    private interface Change {
        void apply(dev.herald.gateway.store.StoreTx tx, String email) throws java.sql.SQLException;
    }

    @FunctionalInterface
    private interface ChangeFactory {
        Change at(String workspace, Instant now);
    }

    /** Applies the change to every address in one durable write, then answers 201 {@code success}. */
    private CompletionStage<ApiResponse> write(ApiCall call, List<String> emails, ChangeFactory factory) {
        String ws = call.principal().workspaceId();
        Change change = factory.at(ws, call.receivedAt());
        return store.writeIngress(tx -> {
            for (String email : emails) {
                change.apply(tx, email);
            }
            ObjectNode out = Json.object();
            out.put("message", "success");
            return Idempotency.remember(tx, call, ApiResponse.json(201, out), Optional.empty());
        });
    }

    private CompletionStage<ApiResponse> unsubscribes(ApiCall call) {
        return list(call, "unsubscribed_at", (row) -> row.unsubscribedAt(),
                (tx, ws, q) -> tx.emailAddresses().unsubscribes(ws, q));
    }

    private CompletionStage<ApiResponse> hardBounces(ApiCall call) {
        return list(call, "hard_bounced_at", EmailAddressRow::hardBouncedAt,
                (tx, ws, q) -> tx.emailAddresses().hardBounces(ws, q));
    }

    @FunctionalInterface
    private interface Page {
        List<Listed> read(dev.herald.gateway.store.StoreTx tx, String workspace, ListQuery q)
                throws java.sql.SQLException;
    }

    /**
     * A list by {@code email} (that address if it is listed, whatever the dates) or else by date range, newest first,
     * as {@code {"emails": [{"email", "<field>"}], "message": "success"}}.
     */
    private CompletionStage<ApiResponse> list(ApiCall call, String field,
                                              Function<EmailAddressRow, Optional<Instant>> since, Page page) {
        List<String> emails = AddressInputs.emails(AddressInputs.query(call.request(), "email"), "email");
        ListQuery window = ListWindow.of(call.request(), emails.isEmpty(), "email");
        String ws = call.principal().workspaceId();
        return store.read(tx -> {
            List<Listed> entries;
            if (emails.isEmpty()) {
                entries = page.read(tx, ws, window);
            } else {
                entries = new java.util.ArrayList<>();
                for (String email : emails) {
                    Optional<Instant> at = tx.emailAddresses().get(ws, email).flatMap(since);
                    if (at.isPresent()) {
                        entries.add(new Listed(email, at.get(), ""));
                    }
                }
            }
            ObjectNode out = Json.object();
            ArrayNode list = out.putArray("emails");
            for (Listed e : entries) {
                list.addObject().put("email", e.address()).put(field, e.at().toString());
            }
            out.put("message", "success");
            return ApiResponse.json(200, out);
        });
    }
}
