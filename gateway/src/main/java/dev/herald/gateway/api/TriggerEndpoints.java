package dev.herald.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.config.CampaignConfig;
import dev.herald.config.DeliveryConfig;
import dev.herald.config.WorkspaceConfig;
import dev.herald.gateway.braze.TriggerRequest;
import dev.herald.gateway.http.Access;
import dev.herald.gateway.http.ApiCall;
import dev.herald.gateway.http.ApiException;
import dev.herald.gateway.http.ApiResponse;
import dev.herald.gateway.http.Endpoint;
import dev.herald.gateway.json.Json;
import dev.herald.gateway.live.Campaigns;
import dev.herald.gateway.model.DispatchKind;
import dev.herald.gateway.model.DispatchSpec;
import dev.herald.gateway.model.Ids;
import dev.herald.gateway.model.MessageSpec;
import dev.herald.gateway.model.ScheduleSpec;
import dev.herald.gateway.store.NewDispatch;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * {@code POST /campaigns/trigger/send} (permission {@code campaigns.trigger.send}) and
 * {@code POST /canvas/trigger/send} (permission {@code canvas.trigger.send}), braze-api.md §3: the campaign's or
 * Canvas's configured messages sent to the listed recipients, or as a broadcast to an audience (bulk lane).
 * A paused or archived campaign is refused with Braze's message; a paused or archived Canvas answers 201 with
 * Braze's {@code notice} and sends nothing.
 */
public final class TriggerEndpoints {
    static final String CANVAS_PAUSED = "The Canvas is paused. Resume the Canvas to ensure trigger requests will take "
            + "effect.";
    static final String CANVAS_ARCHIVED = "The Canvas is archived. Unarchive the Canvas to ensure trigger requests "
            + "will take effect.";

    /** What a trigger resolved to. */
    record Target(Campaigns.Compiled compiled, boolean canvas) {
        String id() {
            return compiled.config().id();
        }
    }

    private final Supplier<Campaigns> campaigns;
    private final Dispatching dispatching;
    private final StoredContent content;
    private final DeliveryConfig delivery;
    private final Clock clock;

    /** The endpoints; {@code content} resolves the email templates and Content Blocks configured messages name. */
    public TriggerEndpoints(Supplier<Campaigns> campaigns, Dispatching dispatching, StoredContent content,
                            DeliveryConfig delivery, Clock clock) {
        this.campaigns = campaigns;
        this.dispatching = dispatching;
        this.content = content;
        this.delivery = delivery;
        this.clock = clock;
    }

    /** The campaign trigger route. */
    public Endpoint campaignSend() {
        return Endpoint.post("/campaigns/trigger/send", Access.permission("campaigns.trigger.send"),
                call -> send(call, false));
    }

    /** The Canvas trigger route. */
    public Endpoint canvasSend() {
        return Endpoint.post("/canvas/trigger/send", Access.permission("canvas.trigger.send"), call -> send(call, true));
    }

    private CompletionStage<ApiResponse> send(ApiCall call, boolean canvas) {
        Target target = target(call, canvas);
        TriggerRequest trigger = TriggerRequest.parse(call.body(), canvas);
        String id = Ids.dispatchId(clock);
        ObjectNode body = Json.object();
        body.put("dispatch_id", id);
        Optional<String> notice = notice(target);
        if (notice.isPresent()) {
            body.put("notice", notice.get());
            body.put("message", "success");
            return CompletableFuture.completedFuture(ApiResponse.json(201, body));
        }
        body.put("message", "success");
        Instant now = call.receivedAt();
        return messages(call, target).thenCompose(messages -> dispatching.accept(call,
                dispatch(call, target, messages, id, trigger, now, Optional.empty()),
                tx -> trigger.writeAttributes(tx, call.principal().workspace(), now), body));
    }

    /** The target's messages, with any email template and Content Blocks they name as they are now. */
    CompletionStage<List<MessageSpec>> messages(ApiCall call, Target target) {
        return content.messagesOf(target.compiled(), call.principal().workspace());
    }

    /** The dispatch of a trigger: its recipients and properties with the target's {@code messages}. */
    NewDispatch dispatch(ApiCall call, Target target, List<MessageSpec> messages, String id, TriggerRequest trigger,
                         Instant notBefore, Optional<ScheduleSpec> schedule) {
        DispatchSpec spec = trigger.spec(messages,
                target.canvas() ? Optional.empty() : Optional.of(target.id()),
                target.canvas() ? Optional.of(target.id()) : Optional.empty());
        Instant now = call.receivedAt();
        Instant start = notBefore.isAfter(now) ? notBefore : now;
        DispatchKind kind = target.canvas()
                ? schedule.isPresent() ? DispatchKind.CANVAS_TRIGGER_SCHEDULE : DispatchKind.CANVAS_TRIGGER_SEND
                : schedule.isPresent() ? DispatchKind.CAMPAIGN_TRIGGER_SCHEDULE : DispatchKind.CAMPAIGN_TRIGGER_SEND;
        return new NewDispatch(id, call.principal().workspaceId(), kind, MessagesSendEndpoint.lane(call, spec), spec,
                notBefore, start.plus(target.compiled().config().maxAge().orElse(delivery.maxAge())),
                Optional.of(target.id()), spec.sendId(), schedule);
    }

    /** The campaign or Canvas a call names, refused with Braze's messages when it cannot be triggered. */
    Target target(ApiCall call, boolean canvas) {
        WorkspaceConfig ws = call.principal().workspace();
        String field = canvas ? "canvas_id" : "campaign_id";
        JsonNode given = call.body().get(field);
        if (given == null || !given.isTextual() || given.asText().isBlank()) {
            throw ApiException.badRequest(field + " must be a string of the " + (canvas ? "Canvas" : "campaign")
                    + " api identifier");
        }
        String id = given.asText();
        Optional<Campaigns.Compiled> found = canvas ? campaigns.get().canvas(ws.id(), id)
                : campaigns.get().campaign(ws.id(), id);
        if (found.isEmpty()) {
            throw ApiException.badRequest(canvas ? "Invalid Canvas ID" : "Invalid Campaign ID");
        }
        CampaignConfig c = found.get().config();
        if (!canvas) {
            if (c.transactional()) {
                throw ApiException.badRequest("The campaign is a transactional campaign: send it with "
                        + "/transactional/v1/campaigns/" + id + "/send");
            }
            if (c.archived()) {
                throw ApiException.badRequest(TransactionalSendEndpoint.ARCHIVED);
            }
            if (c.paused()) {
                throw ApiException.badRequest(TransactionalSendEndpoint.PAUSED);
            }
        }
        return new Target(found.get(), canvas);
    }

    /** Braze's notice for a Canvas that will not run, if it will not. */
    static Optional<String> notice(Target target) {
        if (!target.canvas()) {
            return Optional.empty();
        }
        CampaignConfig c = target.compiled().config();
        return c.archived() ? Optional.of(CANVAS_ARCHIVED) : c.paused() ? Optional.of(CANVAS_PAUSED) : Optional.empty();
    }
}
