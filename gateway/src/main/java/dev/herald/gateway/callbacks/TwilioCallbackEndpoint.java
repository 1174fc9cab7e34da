package dev.herald.gateway.callbacks;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.channel.Channel;
import dev.herald.channel.sms.CallbackStatus;
import dev.herald.channel.sms.TwilioCallbacks;
import dev.herald.config.WorkspaceConfig;
import dev.herald.gateway.delivery.OutcomeListener;
import dev.herald.gateway.delivery.StateChange;
import dev.herald.gateway.http.ApiException;
import dev.herald.gateway.http.ApiRequest;
import dev.herald.gateway.http.ApiResponse;
import dev.herald.gateway.http.Endpoint;
import dev.herald.gateway.json.Json;
import dev.herald.gateway.model.DeliveryStatus;
import dev.herald.gateway.model.SmsSpec;
import dev.herald.gateway.store.DeliveryRow;
import dev.herald.gateway.store.DispatchRow;
import dev.herald.gateway.store.Store;
import dev.herald.gateway.store.StoreTx;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.URI;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * {@code POST /herald/v1/callbacks/twilio/{workspace}}: Twilio's message status callbacks. No API key and no
 * rate limit: the {@code X-Twilio-Signature} over {@code server.public_url} + path and the form parameters is
 * verified with the workspace's auth token (403 and nothing changes when it is wrong). The delivery is found by
 * its Message SID and only ever moves forward, so repeated and out-of-order callbacks are harmless. A failure
 * for a dead number marks the number in the directory; error 21610 (STOP) unsubscribes the user from the group.
 * A callback that beats the recording of its send's SID (Twilio can call back before the create call's answer
 * is written) is held, and applied in the transaction that records the outcome naming that SID (this endpoint is
 * also that outcome's listener).
 */
public final class TwilioCallbackEndpoint implements OutcomeListener {
    private final Function<String, Optional<WorkspaceConfig>> workspaces;
    private final Optional<URI> publicUrl;
    private final Store store;
    private final Clock clock;
    private final OutcomeListener reports;

    /**
     * The endpoint.
     *
     * @param reports hears each change a report makes, in its transaction (the event stream)
     */
    public TwilioCallbackEndpoint(Function<String, Optional<WorkspaceConfig>> workspaces, Optional<URI> publicUrl,
                                  Store store, Clock clock, OutcomeListener reports) {
        this.workspaces = workspaces;
        this.publicUrl = publicUrl;
        this.store = store;
        this.clock = clock;
        this.reports = reports;
    }

    /** The route. */
    public Endpoint endpoint() {
        return Endpoint.unauthenticated("POST", "/herald/v1/callbacks/twilio/{workspace}", this::handle);
    }

    CompletionStage<ApiResponse> handle(ApiRequest request, Map<String, String> params) {
        WorkspaceConfig ws = workspaces.apply(params.get("workspace")).orElse(null);
        if (ws == null || ws.sms().isEmpty()) {
            throw new ApiException(404, "Not Found: no Twilio account is configured for this workspace");
        }
        Map<String, String> form = form(request.bodyText());
        String url = publicUrl.map(u -> u.toString()).orElseGet(() -> "http://"
                + request.header(HttpHeaderNames.HOST).orElse("localhost")) + request.path();
        if (!TwilioCallbacks.verify(ws.sms().get().twilio().authToken(), url, form,
                request.header(TwilioCallbacks.SIGNATURE_HEADER).orElse(null))) {
            throw new ApiException(403, "Forbidden: the X-Twilio-Signature does not match this request");
        }
        Optional<CallbackStatus> status = TwilioCallbacks.status(form);
        if (status.isEmpty()) {
            return CompletableFuture.completedFuture(ok("ignored: not a status Herald tracks"));
        }
        CallbackStatus s = status.get();
        return store.write(tx -> {
            Instant now = clock.instant();
            if (tx.deliveries().smsByProviderMessageId(ws.id(), s.messageSid()).isEmpty()) {
                tx.heldReceipts().hold(ws.id(), s.messageSid(), Json.text(Json.MAPPER.valueToTree(form)), now);
                return "held: no delivery has MessageSid " + s.messageSid() + " yet; applied when its send is recorded";
            }
            return apply(tx, ws, s, now, reports);
        }).thenApply(TwilioCallbackEndpoint::ok);
    }

    /** Applies the reports held for the SMS whose outcome is being recorded, in the same transaction. */
    @Override
    public void changed(StoreTx tx, StateChange change) throws SQLException {
        if (change.delivery().channel() != Channel.SMS || change.providerMessageId().isEmpty()) {
            return;
        }
        String workspace = change.delivery().workspace();
        Optional<WorkspaceConfig> ws = workspaces.apply(workspace);
        Instant now = change.at();
        for (String report : tx.heldReceipts().take(workspace, change.providerMessageId().get())) {
            Map<String, String> form = new LinkedHashMap<>();
            Json.parseOrEmpty(report).properties().forEach(e -> form.put(e.getKey(), e.getValue().asText()));
            Optional<CallbackStatus> s = TwilioCallbacks.status(form);
            if (ws.isPresent() && s.isPresent()) {
                apply(tx, ws.get(), s.get(), now, reports);
            }
        }
    }

    private static String apply(StoreTx tx, WorkspaceConfig ws, CallbackStatus s, Instant now,
                                OutcomeListener reports) throws SQLException {
        Optional<DeliveryRow> found = tx.deliveries().smsByProviderMessageId(ws.id(), s.messageSid());
        if (found.isEmpty()) {
            return "ignored: no delivery has MessageSid " + s.messageSid();
        }
        DeliveryRow d = found.get();
        DeliveryStatus next = switch (s.state()) {
            case SENT -> DeliveryStatus.SENT;
            case DELIVERED -> DeliveryStatus.DELIVERED;
            case UNDELIVERED -> DeliveryStatus.UNDELIVERED;
            case BOUNCED -> DeliveryStatus.BOUNCED;
            case FAILED -> DeliveryStatus.FAILED;
        };
        Optional<String> error = s.errorCode().map(code -> "Twilio " + s.twilioStatus() + " (error " + code + ")");
        boolean moved = tx.deliveries().advance(d, next, error, now);
        if (moved && next == DeliveryStatus.BOUNCED) {
            tx.users().invalidatePhone(ws.id(), d.address(), error.orElse("Twilio " + s.twilioStatus()), now);
        }
        Optional<DispatchRow> dispatch = moved || s.unsubscribed() ? tx.dispatches().find(d.dispatchId())
                : Optional.empty();
        if (moved && dispatch.isPresent()) {
            reports.changed(tx, new StateChange(d, dispatch.get().kind(), dispatch.get().readableSpec(), d.status(),
                    next, error, Optional.empty(), Optional.of(s.messageSid()), now));
        }
        if (s.unsubscribed() && d.userId().isPresent()) {
            String group = dispatch.flatMap(DispatchRow::readableSpec)
                    .flatMap(spec -> spec.message(Channel.SMS))
                    .map(m -> m instanceof SmsSpec sms ? sms.subscriptionGroupId() : "")
                    .orElse("");
            if (!group.isEmpty()) {
                tx.users().putSubscription(d.userId().get(), group, "unsubscribed", now);
            }
        }
        return moved ? "delivery " + d.id() + " is now " + next.dbName() : "delivery " + d.id() + " stays "
                + d.status().dbName();
    }

    private static ApiResponse ok(Object message) {
        ObjectNode n = Json.object();
        n.put("message", String.valueOf(message));
        return ApiResponse.json(200, n);
    }

    private static Map<String, String> form(String body) {
        Map<String, String> out = new LinkedHashMap<>();
        new QueryStringDecoder(body, false).parameters().forEach((k, v) -> out.put(k, v.isEmpty() ? "" : v.get(0)));
        return out;
    }
}
