package dev.herald.gateway.subscriptions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.config.WorkspaceConfig;
import dev.herald.gateway.http.Access;
import dev.herald.gateway.http.ApiCall;
import dev.herald.gateway.http.ApiException;
import dev.herald.gateway.http.ApiRequest;
import dev.herald.gateway.http.ApiResponse;
import dev.herald.gateway.http.Endpoint;
import dev.herald.gateway.http.Lenient;
import dev.herald.gateway.idempotency.Idempotency;
import dev.herald.gateway.json.Json;
import dev.herald.gateway.store.Store;
import dev.herald.gateway.store.StoreTx;
import dev.herald.gateway.store.UserRow;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Braze's subscription-group endpoints over the directory's per-user group states, for the workspace's SMS and
 * email groups:
 * <ul>
 *   <li>{@code POST /subscription/status/set} and {@code POST /v2/subscription/status/set}
 *       ({@code subscription.status.set}, their own rate-limit class): every change of the request is validated,
 *       then all are written at once;</li>
 *   <li>{@code GET /subscription/status/get} ({@code subscription.status.get}): {@code Subscribed},
 *       {@code Unsubscribed} or {@code Unknown} per external id (or per address when no id is given);</li>
 *   <li>{@code GET /subscription/user/status} ({@code subscription.groups.get}): the groups a user has a state
 *       in.</li>
 * </ul>
 */
public final class SubscriptionEndpoints {
    /** Braze: "Default (and maximum) limit is 100". */
    static final int MAX_USERS = 100;

    private final Store store;

    /** The endpoints over {@code store}. */
    public SubscriptionEndpoints(Store store) {
        this.store = store;
    }

    /** Every route. */
    public List<Endpoint> endpoints() {
        return List.of(Endpoint.post("/subscription/status/set", Access.permission("subscription.status.set"), this::set),
                Endpoint.post("/v2/subscription/status/set", Access.permission("subscription.status.set"), this::setV2),
                Endpoint.get("/subscription/status/get", Access.permission("subscription.status.get"), this::get),
                Endpoint.get("/subscription/user/status", Access.permission("subscription.groups.get"),
                        this::userStatus));
    }

    /** v1: one group, {@code external_id}, {@code email} or {@code phone} (each a string or an array). */
    private CompletionStage<ApiResponse> set(ApiCall call) {
        JsonNode b = call.body();
        return write(call, List.of(change(call.principal().workspace(), b, "external_id", "email", "phone", "")));
    }

    /** v2: {@code subscription_groups}, each with {@code external_ids}, {@code emails} or {@code phones}. */
    private CompletionStage<ApiResponse> setV2(ApiCall call) {
        JsonNode groups = call.body().get("subscription_groups");
        if (groups == null || !groups.isArray() || groups.isEmpty()) {
            throw ApiException.badRequest("subscription_groups is required: an array of {subscription_group_id, "
                    + "subscription_state, external_ids | emails | phones}");
        }
        if (groups.size() > AddressInputs.MAX) {
            throw new ApiException(400, "The max number of ids per request was exceeded",
                    List.of("subscription_groups: " + groups.size() + " given, at most " + AddressInputs.MAX));
        }
        List<GroupStateChange> changes = new ArrayList<>();
        for (int i = 0; i < groups.size(); i++) {
            JsonNode g = groups.get(i);
            String where = "subscription_groups[" + i + "].";
            if (!g.isObject()) {
                throw ApiException.badRequest(where.substring(0, where.length() - 1) + " must be an object");
            }
            changes.add(change(call.principal().workspace(), g, "external_ids", "emails", "phones", where));
        }
        return write(call, changes);
    }

    private static GroupStateChange change(WorkspaceConfig ws, JsonNode o, String idsField, String emailsField,
                                           String phonesField, String where) {
        String groupId = Lenient.string(o, "subscription_group_id", where + "subscription_group_id")
                .map(String::trim).filter(s -> !s.isEmpty())
                .orElseThrow(() -> ApiException.badRequest(where + "subscription_group_id is required"));
        SubscriptionGroup group = SubscriptionGroup.require(ws, groupId);
        String state = Lenient.string(o, "subscription_state", where + "subscription_state")
                .map(s -> s.trim().toLowerCase(Locale.ROOT))
                .orElseThrow(() -> ApiException.badRequest(where + "subscription_state is required (subscribed or "
                        + "unsubscribed)"));
        List<String> ids = AddressInputs.externalIds(AddressInputs.strings(o, idsField), where + idsField);
        List<String> emails = AddressInputs.emails(AddressInputs.strings(o, emailsField), where + emailsField);
        List<String> phones = AddressInputs.phones(AddressInputs.strings(o, phonesField), where + phonesField);
        return GroupStateChange.validate(group, state, ids, emails, phones, where);
    }

    private CompletionStage<ApiResponse> write(ApiCall call, List<GroupStateChange> changes) {
        String ws = call.principal().workspaceId();
        return store.writeIngress(tx -> {
            for (GroupStateChange c : changes) {
                c.apply(tx, ws, call.receivedAt());
            }
            ObjectNode out = Json.object();
            out.put("message", "success");
            return Idempotency.remember(tx, call, ApiResponse.json(201, out), Optional.empty());
        });
    }

    /**
     * {@code {"status": {"<id or address>": "Subscribed" | "Unsubscribed" | "Unknown"}, "message": "success"}}; with
     * external ids the answer is keyed by them and addresses are ignored, as Braze documents.
     */
    private CompletionStage<ApiResponse> get(ApiCall call) {
        ApiRequest q = call.request();
        String groupId = q.queryParam("subscription_group_id").map(String::trim).filter(s -> !s.isEmpty())
                .orElseThrow(() -> ApiException.badRequest("subscription_group_id is required"));
        SubscriptionGroup group = SubscriptionGroup.require(call.principal().workspace(), groupId);
        List<String> ids = AddressInputs.externalIds(AddressInputs.query(q, "external_id"), "external_id");
        List<String> emails = AddressInputs.emails(AddressInputs.query(q, "email"), "email");
        List<String> phones = AddressInputs.phones(AddressInputs.query(q, "phone"), "phone");
        if (ids.isEmpty() && !emails.isEmpty() && !phones.isEmpty()) {
            throw ApiException.badRequest(AddressInputs.EMAIL_AND_PHONE);
        }
        if (ids.isEmpty() && emails.isEmpty() && phones.isEmpty()) {
            throw ApiException.badRequest("external_id, email or phone is required");
        }
        String ws = call.principal().workspaceId();
        return store.read(tx -> {
            Map<String, String> status = new LinkedHashMap<>();
            if (!ids.isEmpty()) {
                for (String id : ids) {
                    status.put(id, state(tx, tx.users().byExternalId(ws, id), group.id()));
                }
            } else {
                for (String email : emails) {
                    status.put(email, state(tx, tx.users().byEmail(ws, email), group.id()));
                }
                for (String phone : phones) {
                    status.put(phone, state(tx, tx.users().byPhone(ws, phone), group.id()));
                }
            }
            ObjectNode out = Json.object();
            ObjectNode s = out.putObject("status");
            status.forEach(s::put);
            out.put("message", "success");
            return ApiResponse.json(200, out);
        });
    }

    private static String state(StoreTx tx, Optional<UserRow> user, String group) throws SQLException {
        if (user.isEmpty()) {
            return "Unknown";
        }
        return switch (tx.users().subscription(user.get().id(), group).orElse("")) {
            case "subscribed" -> "Subscribed";
            case "unsubscribed" -> "Unsubscribed";
            default -> "Unknown";
        };
    }

    /**
     * The groups each named user has a state in. Braze documents {@code {"success": true, "subscription_groups":
     * [{"subscription_group_id", "subscription_status"}]}}; the braze-api client types the answer as
     * {@code {"users": [{"external_id", "email", "phone", "subscription_groups": [{"id", "name", "channel",
     * "status"}]}], "total_count"}}. Herald answers both shapes in one object (the documented list covers every
     * returned user), so either reader finds what it expects.
     */
    private CompletionStage<ApiResponse> userStatus(ApiCall call) {
        ApiRequest q = call.request();
        List<String> ids = AddressInputs.externalIds(AddressInputs.query(q, "external_id"), "external_id");
        List<String> emails = AddressInputs.emails(AddressInputs.query(q, "email"), "email");
        List<String> phones = AddressInputs.phones(AddressInputs.query(q, "phone"), "phone");
        if (ids.isEmpty() && emails.isEmpty() && phones.isEmpty()) {
            throw ApiException.badRequest("external_id, email or phone is required");
        }
        int limit = q.queryParam("limit").filter(s -> !s.isBlank())
                .map(raw -> ApiRequest.wholeNumber(raw, MAX_USERS, "limit must be a whole number from 1 to " + MAX_USERS))
                .orElse(MAX_USERS);
        int offset = q.queryParam("offset").filter(s -> !s.isBlank()).map(ListWindow::offset).orElse(0);
        WorkspaceConfig config = call.principal().workspace();
        String ws = config.id();
        return store.read(tx -> {
            Map<Long, UserRow> users = new LinkedHashMap<>();
            for (String id : ids) {
                tx.users().byExternalId(ws, id).ifPresent(u -> users.putIfAbsent(u.id(), u));
            }
            for (String email : emails) {
                tx.users().allBy(ws, "email", email).forEach(u -> users.putIfAbsent(u.id(), u));
            }
            for (String phone : phones) {
                tx.users().allBy(ws, "phone", phone).forEach(u -> users.putIfAbsent(u.id(), u));
            }
            List<UserRow> page = users.values().stream().skip(offset).limit(limit).toList();
            ObjectNode out = Json.object();
            ArrayNode usersOut = out.putArray("users");
            ArrayNode groupsOut = Json.MAPPER.createArrayNode();
            for (UserRow u : page) {
                ObjectNode entry = usersOut.addObject();
                entry.put("external_id", u.externalId().orElse(null));
                entry.put("email", u.email().orElse(null));
                entry.put("phone", u.phone().orElse(null));
                ArrayNode mine = entry.putArray("subscription_groups");
                Map<String, String> states = tx.users().subscriptions(u.id());
                for (SubscriptionGroup g : SubscriptionGroup.all(config)) {
                    String state = states.get(g.id());
                    if (state == null) {
                        continue; // Braze lists only groups the user has a state in
                    }
                    mine.addObject().put("id", g.id()).put("name", g.id()).put("channel", g.channel().wireName())
                            .put("status", state.equals("subscribed") ? "Subscribed" : "Unsubscribed");
                    groupsOut.addObject().put("subscription_group_id", g.id()).put("subscription_status", state);
                }
            }
            out.put("total_count", users.size());
            out.set("subscription_groups", groupsOut);
            out.put("success", true);
            out.put("message", "success");
            return ApiResponse.json(200, out);
        });
    }
}
