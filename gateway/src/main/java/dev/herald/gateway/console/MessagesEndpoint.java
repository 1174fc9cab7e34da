package dev.herald.gateway.console;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.config.Permissions;
import dev.herald.gateway.http.Access;
import dev.herald.gateway.http.ApiCall;
import dev.herald.gateway.http.ApiException;
import dev.herald.gateway.http.ApiRequest;
import dev.herald.gateway.http.ApiResponse;
import dev.herald.gateway.http.Endpoint;
import dev.herald.gateway.json.Json;
import dev.herald.gateway.store.Deliveries.LookupColumn;
import dev.herald.gateway.store.DeliveryRow;
import dev.herald.gateway.store.DispatchRow;
import dev.herald.gateway.store.Store;
import dev.herald.gateway.store.StoreTx;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * {@code GET /herald/v1/admin/messages} (permission {@code herald.admin}): finds the caller's workspace's messages by
 * exactly one of {@code dispatch_id}, {@code external_send_id} (kept 24 hours, like Braze's), {@code user_id} (an
 * external id; {@code recipient} takes any recipient id such as {@code alias:LABEL:NAME}) or {@code address} (an email
 * address, phone number, push token or webhook URL). It answers the dispatches found, newest first, with the
 * deliveries that matched; each dispatch's whole state (all its deliveries, attempts, last errors) is the status API's
 * ({@code GET /herald/v1/dispatches/{id}}), which the console calls for each.
 */
public final class MessagesEndpoint {
    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 500;
    private static final List<String> BY = List.of("dispatch_id", "external_send_id", "user_id", "recipient", "address");

    /** A dispatch found, and the deliveries of it that matched (none when the dispatch itself was asked for). */
    private record Found(DispatchRow dispatch, List<DeliveryRow> matched, Optional<String> externalSendId) {
    }

    private final Store store;

    /** The endpoint over {@code store}. */
    public MessagesEndpoint(Store store) {
        this.store = store;
    }

    /** The route. */
    public Endpoint endpoint() {
        return Endpoint.get("/herald/v1/admin/messages", Access.permission(Permissions.HERALD_ADMIN), this::handle);
    }

    private CompletionStage<ApiResponse> handle(ApiCall call) {
        ApiRequest q = call.request();
        List<String> given = BY.stream().filter(p -> q.queryParam(p).filter(v -> !v.isBlank()).isPresent()).toList();
        if (given.size() != 1) {
            throw ApiException.badRequest("give exactly one of " + String.join(", ", BY) + (given.isEmpty() ? ""
                    : "; got " + String.join(", ", given)));
        }
        String by = given.getFirst();
        String value = q.queryParam(by).orElseThrow().trim();
        if (value.length() > 2048) {
            throw ApiException.badRequest(by + " is longer than 2048 characters");
        }
        int limit = q.queryParam("limit")
                .map(raw -> ApiRequest.wholeNumber(raw, MAX_LIMIT, "limit must be a whole number from 1 to " + MAX_LIMIT))
                .orElse(DEFAULT_LIMIT);
        String ws = call.principal().workspaceId();
        return store.read(tx -> switch (by) {
            case "dispatch_id" -> own(tx, ws, value).map(d -> List.of(new Found(d, List.of(), Optional.empty())))
                    .orElse(List.of());
            case "external_send_id" -> byExternalSend(tx, ws, value);
            case "user_id" -> byDeliveries(tx, ws, tx.deliveries().latestFor(ws, LookupColumn.RECIPIENT,
                    "external_id:" + value, limit));
            case "recipient" -> byDeliveries(tx, ws, tx.deliveries().latestFor(ws, LookupColumn.RECIPIENT, value,
                    limit));
            default -> byDeliveries(tx, ws, tx.deliveries().latestFor(ws, LookupColumn.ADDRESS, value, limit));
        }).thenApply(found -> ApiResponse.json(200, render(found)));
    }

    private static Optional<DispatchRow> own(StoreTx tx, String ws, String id) throws SQLException {
        return tx.dispatches().find(id).filter(d -> d.workspace().equals(ws));
    }

    private static List<Found> byExternalSend(StoreTx tx, String ws, String externalSendId) throws SQLException {
        List<Found> out = new ArrayList<>();
        for (String dispatchId : tx.keys().externalSends(ws, externalSendId).values()) {
            Optional<DispatchRow> d = own(tx, ws, dispatchId);
            if (d.isPresent()) {
                out.add(new Found(d.get(), List.of(), Optional.of(externalSendId)));
            }
        }
        return out;
    }

    /** The deliveries grouped by dispatch, in the order found (newest first). */
    private static List<Found> byDeliveries(StoreTx tx, String ws, List<DeliveryRow> deliveries) throws SQLException {
        Map<String, List<DeliveryRow>> byDispatch = new LinkedHashMap<>();
        deliveries.forEach(d -> byDispatch.computeIfAbsent(d.dispatchId(), k -> new ArrayList<>()).add(d));
        List<Found> out = new ArrayList<>();
        for (var e : byDispatch.entrySet()) {
            Optional<DispatchRow> d = own(tx, ws, e.getKey());
            if (d.isPresent()) {
                out.add(new Found(d.get(), e.getValue(), Optional.empty()));
            }
        }
        return out;
    }

    private static ObjectNode render(List<Found> found) {
        ObjectNode out = Json.object();
        out.put("message", "success");
        ArrayNode list = out.putArray("dispatches");
        for (Found f : found) {
            ObjectNode n = list.addObject();
            DispatchRow d = f.dispatch();
            n.put("dispatch_id", d.id());
            n.put("created_at", d.createdAt().toString());
            n.put("kind", d.kind().dbName());
            n.put(d.kind().isCanvas() ? "canvas_id" : "campaign_id", d.campaignId().orElse(null));
            n.put("send_id", d.sendId().orElse(null));
            f.externalSendId().ifPresent(id -> n.put("external_send_id", id));
            ArrayNode matched = n.putArray("matched");
            f.matched().forEach(m -> DeliveryJson.delivery(matched.addObject(), m));
        }
        return out;
    }
}
