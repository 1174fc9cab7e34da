package dev.herald.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.config.CampaignConfig;
import dev.herald.config.DeliveryConfig;
import dev.herald.config.WorkspaceConfig;
import dev.herald.gateway.braze.Schedule;
import dev.herald.gateway.braze.SendRequestParser;
import dev.herald.gateway.braze.TriggerRequest;
import dev.herald.gateway.http.Access;
import dev.herald.gateway.http.ApiCall;
import dev.herald.gateway.http.ApiException;
import dev.herald.gateway.http.ApiResponse;
import dev.herald.gateway.http.Endpoint;
import dev.herald.gateway.http.Lenient;
import dev.herald.gateway.idempotency.Idempotency;
import dev.herald.gateway.json.Json;
import dev.herald.gateway.model.DispatchKind;
import dev.herald.gateway.model.DispatchSpec;
import dev.herald.gateway.model.DispatchStatus;
import dev.herald.gateway.model.Ids;
import dev.herald.gateway.model.MessageSpec;
import dev.herald.gateway.model.ScheduleSpec;
import dev.herald.gateway.store.DispatchRow;
import dev.herald.gateway.store.NewDispatch;
import dev.herald.gateway.store.Store;
import dev.herald.gateway.store.StoreTx;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Scheduled sends (braze-api.md §3.3, §5): {@code /messages/schedule/{create,update,delete}},
 * {@code /campaigns/trigger/schedule/{create,update,delete}}, {@code /canvas/trigger/schedule/{create,update,delete}}
 * and {@code GET /messages/scheduled_broadcasts}. A schedule is a dispatch with a {@code not_before} in the future
 * (its {@code schedule_id} is its {@code dispatch_id}); it survives restarts like any dispatch, and it can be
 * changed or deleted until the scheduler starts sending it.
 */
public final class ScheduleEndpoints {
    private final TriggerEndpoints triggers;
    private final Dispatching dispatching;
    private final StoredContent content;
    private final Store store;
    private final DeliveryConfig delivery;
    private final Clock clock;

    /** The endpoints; {@code content} brings in the email templates and Content Blocks scheduled messages name. */
    public ScheduleEndpoints(TriggerEndpoints triggers, Dispatching dispatching, StoredContent content, Store store,
                             DeliveryConfig delivery, Clock clock) {
        this.triggers = triggers;
        this.dispatching = dispatching;
        this.content = content;
        this.store = store;
        this.delivery = delivery;
        this.clock = clock;
    }

    /** Every route. */
    public List<Endpoint> endpoints() {
        return List.of(
                Endpoint.post("/messages/schedule/create", Access.permission("messages.schedule.create"),
                        this::createMessages),
                Endpoint.post("/messages/schedule/update", Access.permission("messages.schedule.update"),
                        call -> update(call, Optional.empty())),
                Endpoint.post("/messages/schedule/delete", Access.permission("messages.schedule.delete"), this::delete),
                Endpoint.post("/campaigns/trigger/schedule/create", Access.permission("campaigns.trigger.schedule.create"),
                        call -> createTrigger(call, false)),
                Endpoint.post("/campaigns/trigger/schedule/update", Access.permission("campaigns.trigger.schedule.update"),
                        call -> update(call, Optional.of("campaign_id"))),
                Endpoint.post("/campaigns/trigger/schedule/delete", Access.permission("campaigns.trigger.schedule.delete"),
                        this::delete),
                Endpoint.post("/canvas/trigger/schedule/create", Access.permission("canvas.trigger.schedule.create"),
                        call -> createTrigger(call, true)),
                Endpoint.post("/canvas/trigger/schedule/update", Access.permission("canvas.trigger.schedule.update"),
                        call -> update(call, Optional.of("canvas_id"))),
                Endpoint.post("/canvas/trigger/schedule/delete", Access.permission("canvas.trigger.schedule.delete"),
                        this::delete),
                Endpoint.get("/messages/scheduled_broadcasts", Access.permission("messages.schedule_broadcasts"),
                        this::list));
    }

    private CompletionStage<ApiResponse> createMessages(ApiCall call) {
        return content.resolveBody(call.body(), call.principal().workspaceId())
                .thenCompose(body -> createMessages(call, body));
    }

    /** The template and blocks are taken as they are now: see {@link StoredContent}. */
    private CompletionStage<ApiResponse> createMessages(ApiCall call, JsonNode resolved) {
        Schedule schedule = Schedule.parse(resolved.get("schedule"), call.receivedAt());
        DispatchSpec spec = SendRequestParser.parse(resolved, call.principal().workspace());
        String id = Ids.dispatchId(clock);
        var dispatch = new NewDispatch(id, call.principal().workspaceId(), DispatchKind.MESSAGES_SCHEDULE,
                MessagesSendEndpoint.lane(call, spec), spec, schedule.notBefore(),
                schedule.notBefore().plus(delivery.maxAge()), spec.campaignId(), spec.sendId(),
                Optional.of(schedule.spec()));
        return dispatching.accept(call, dispatch, Dispatching.Before.NOTHING, created(id));
    }

    private CompletionStage<ApiResponse> createTrigger(ApiCall call, boolean canvas) {
        TriggerEndpoints.Target target = triggers.target(call, canvas);
        Schedule schedule = Schedule.parse(call.body().get("schedule"), call.receivedAt());
        TriggerRequest trigger = TriggerRequest.parse(call.body(), canvas);
        String id = Ids.dispatchId(clock);
        ObjectNode body = created(id);
        TriggerEndpoints.notice(target).ifPresent(n -> body.put("notice", n));
        // The template and blocks are taken as they are now: see StoredContent.
        return triggers.messages(call, target).thenCompose(messages -> dispatching.accept(call,
                triggers.dispatch(call, target, messages, id, trigger, schedule.notBefore(),
                        Optional.of(schedule.spec())),
                tx -> trigger.writeAttributes(tx, call.principal().workspace(), call.receivedAt()), body));
    }

    private static ObjectNode created(String id) {
        ObjectNode body = Json.object();
        body.put("dispatch_id", id);
        body.put("schedule_id", id);
        body.put("message", "success");
        return body;
    }

    private CompletionStage<ApiResponse> update(ApiCall call, Optional<String> targetField) {
        return content.resolveBody(call.body(), call.principal().workspaceId())
                .thenCompose(body -> update(call, body, targetField));
    }

    private CompletionStage<ApiResponse> update(ApiCall call, JsonNode body, Optional<String> targetField) {
        String id = Lenient.requiredString(body, "schedule_id", "schedule_id");
        Optional<Schedule> schedule = body.hasNonNull("schedule")
                ? Optional.of(Schedule.parse(body.get("schedule"), call.receivedAt())) : Optional.empty();
        Optional<List<MessageSpec>> messages = targetField.isEmpty() && body.hasNonNull("messages")
                ? Optional.of(SendRequestParser.messages(body.get("messages"), Optional.of(call.principal().workspace())))
                : Optional.empty();
        if (schedule.isEmpty() && messages.isEmpty()) {
            throw ApiException.badRequest(targetField.isEmpty() ? "Give schedule or messages to update"
                    : "schedule is required");
        }
        return store.writeIngress(tx -> {
            DispatchRow d = pending(tx, call, id, targetField);
            DispatchSpec stored = d.readableSpec().orElseThrow(() -> new ApiException(409, "The schedule " + id
                    + " was written by a newer Herald and cannot be changed by this one"));
            DispatchSpec spec = messages.map(stored::withMessages).orElse(stored);
            Instant notBefore = schedule.map(Schedule::notBefore).orElse(d.notBefore());
            ScheduleSpec scheduleSpec = schedule.map(Schedule::spec).orElse(d.schedule().orElseThrow());
            tx.dispatches().reschedule(id, spec, notBefore, scheduleSpec, call.receivedAt());
            return Idempotency.remember(tx, call, ApiResponse.json(201, success()), Optional.of(id));
        });
    }

    private CompletionStage<ApiResponse> delete(ApiCall call) {
        String id = Lenient.requiredString(call.body(), "schedule_id", "schedule_id");
        Optional<String> targetField = call.request().path().startsWith("/messages") ? Optional.empty()
                : Optional.of(call.request().path().startsWith("/canvas") ? "canvas_id" : "campaign_id");
        return store.writeIngress(tx -> {
            pending(tx, call, id, targetField);
            tx.dispatches().cancel(id, call.receivedAt());
            return Idempotency.remember(tx, call, ApiResponse.json(201, success()), Optional.of(id));
        });
    }

    /** A schedule of the caller's workspace that has not started, or the reason it cannot change. */
    private static DispatchRow pending(StoreTx tx, ApiCall call, String id, Optional<String> targetField)
            throws SQLException {
        DispatchRow d = tx.dispatches().find(id).filter(r -> r.workspace().equals(call.principal().workspaceId())
                && r.schedule().isPresent()).orElseThrow(() -> new ApiException(404, "Schedule not found: " + id));
        if (targetField.isPresent()) {
            String given = call.body().path(targetField.get()).asText("");
            if (!given.equals(d.campaignId().orElse(""))) {
                throw new ApiException(404, "Schedule not found: " + id + " for " + targetField.get() + " " + given);
            }
        }
        if (d.status() == DispatchStatus.CANCELLED) {
            throw ApiException.badRequest("The schedule " + id + " was deleted");
        }
        if (d.status() != DispatchStatus.ACCEPTED) {
            throw ApiException.badRequest("The schedule " + id + " has started sending and can no longer change");
        }
        return d;
    }

    private CompletionStage<ApiResponse> list(ApiCall call) {
        String end = call.request().queryParam("end_time").orElseThrow(() -> ApiException.badRequest(
                "end_time is required (ISO 8601)"));
        Instant until;
        try {
            until = OffsetDateTime.parse(end).toInstant();
        } catch (DateTimeParseException e) {
            try {
                until = Instant.parse(end);
            } catch (DateTimeParseException e2) {
                throw ApiException.badRequest("end_time must be an ISO 8601 date-time, was " + end);
            }
        }
        Instant limit = Lenient.inRange(until, "end_time", end);
        return store.read(tx -> tx.dispatches().scheduled(call.principal().workspaceId(), limit, 1000)).thenApply(rows -> {
            ObjectNode out = Json.object();
            ArrayNode list = out.putArray("scheduled_broadcasts");
            WorkspaceConfig ws = call.principal().workspace();
            for (DispatchRow d : rows) {
                // A configured campaign's or Canvas's name and tags, when the configuration gives them.
                Optional<CampaignConfig> configured = d.campaignId().flatMap(c -> (d.kind().isCanvas() ? ws.canvases()
                        : ws.campaigns()).stream().filter(x -> x.id().equals(c)).findFirst());
                ObjectNode n = list.addObject();
                n.put("name", configured.flatMap(CampaignConfig::name)
                        .orElse(d.campaignId().orElse("API send " + d.id())));
                n.put("id", d.id());
                n.put("type", d.kind().isCanvas() ? "Canvas" : "Campaign");
                ArrayNode tags = n.putArray("tags");
                configured.ifPresent(c -> c.tags().forEach(tags::add));
                n.put("next_send_time", d.notBefore().toString());
                n.put("schedule_type", d.inLocalTime() ? "local_time_zones" : "UTC");
            }
            out.put("message", "success");
            return ApiResponse.json(200, out);
        });
    }

    private static ObjectNode success() {
        ObjectNode out = Json.object();
        out.put("message", "success");
        return out;
    }
}
