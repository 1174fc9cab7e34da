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
import dev.herald.gateway.http.Lenient;
import dev.herald.gateway.idempotency.Idempotency;
import dev.herald.gateway.json.Json;
import dev.herald.gateway.live.Campaigns;
import dev.herald.gateway.model.DispatchKind;
import dev.herald.gateway.model.DispatchSpec;
import dev.herald.gateway.model.Ids;
import dev.herald.gateway.model.Lane;
import dev.herald.gateway.model.MessageSpec;
import dev.herald.gateway.model.Recipient;
import dev.herald.gateway.model.RecipientSpec;
import dev.herald.gateway.model.SubscriptionState;
import dev.herald.gateway.store.DeliveryRow;
import dev.herald.gateway.store.NewDispatch;
import dev.herald.gateway.store.Store;
import dev.herald.gateway.store.StoreTx;
import dev.herald.gateway.users.Profiles;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * {@code POST /transactional/v1/campaigns/{campaign_id}/send} (permission {@code transactional.send}, braze-api.md
 * §4): one recipient (an object, or an array of one as the braze-api client sends it), its {@code attributes}
 * written to the profile first (created if new), {@code trigger_properties} for Liquid, always on the
 * transactional lane. An {@code external_send_id} seen in the last 24 hours for the campaign returns the original
 * {@code dispatch_id} and sends nothing new, whatever the body, as Braze does.
 */
public final class TransactionalSendEndpoint {
    static final Pattern EXTERNAL_SEND_ID = Pattern.compile("^[a-zA-Z0-9-_+/=]+$");
    static final String NOT_FOUND = "Campaign does not exist";
    static final String NOT_TRANSACTIONAL = "The campaign is not a transactional campaign. Only transactional campaigns "
            + "may use this endpoint";
    static final String ARCHIVED = "The campaign is archived. Unarchive the campaign in order for trigger requests to "
            + "take effect.";
    static final String PAUSED = "The campaign is paused. Resume the campaign in order for trigger requests to take "
            + "effect.";

    private final Supplier<Campaigns> campaigns;
    private final Dispatching dispatching;
    private final StoredContent content;
    private final Store store;
    private final DeliveryConfig delivery;
    private final Clock clock;

    /** The endpoint; {@code content} resolves the email template and Content Blocks a campaign's email names. */
    public TransactionalSendEndpoint(Supplier<Campaigns> campaigns, Dispatching dispatching, StoredContent content,
                                     Store store, DeliveryConfig delivery, Clock clock) {
        this.campaigns = campaigns;
        this.dispatching = dispatching;
        this.content = content;
        this.store = store;
        this.delivery = delivery;
        this.clock = clock;
    }

    /** The route. */
    public Endpoint endpoint() {
        return Endpoint.post("/transactional/v1/campaigns/{campaign_id}/send", Access.permission("transactional.send"),
                this::handle);
    }

    CompletionStage<ApiResponse> handle(ApiCall call) {
        WorkspaceConfig ws = call.principal().workspace();
        String campaignId = call.pathParam("campaign_id");
        Campaigns.Compiled campaign = campaigns.get().campaign(ws.id(), campaignId)
                .orElseThrow(() -> new ApiException(404, NOT_FOUND));
        CampaignConfig c = campaign.config();
        if (!c.transactional()) {
            throw ApiException.badRequest(NOT_TRANSACTIONAL);
        }
        if (c.archived()) {
            throw ApiException.badRequest(ARCHIVED);
        }
        if (c.paused()) {
            throw ApiException.badRequest(PAUSED);
        }
        JsonNode body = call.body();
        Optional<String> externalSendId = Lenient.string(body, "external_send_id", "external_send_id");
        if (externalSendId.isPresent() && !EXTERNAL_SEND_ID.matcher(externalSendId.get()).matches()) {
            throw ApiException.badRequest("external_send_id must match ^[a-zA-Z0-9-_+/=]+$");
        }
        Instant now = call.receivedAt();
        if (externalSendId.isEmpty()) {
            return validatedSend(call, ws, campaign, Optional.empty());
        }
        // A repeat answers with the first dispatch whatever its body says, as Braze does.
        return store.read(tx -> {
                    Optional<String> earlier = tx.keys().externalSend(ws.id(), campaignId, externalSendId.get(),
                            now.minus(Idempotency.TTL));
                    return earlier.isEmpty() ? Optional.<ApiResponse>empty()
                            : Optional.of(replay(tx, earlier.get(), campaignId, externalSendId.get()));
                })
                .thenCompose(previous -> previous.isPresent()
                        ? java.util.concurrent.CompletableFuture.completedFuture(previous.get())
                        : validatedSend(call, ws, campaign, externalSendId));
    }

    private CompletionStage<ApiResponse> validatedSend(ApiCall call, WorkspaceConfig ws, Campaigns.Compiled campaign,
                                                       Optional<String> externalSendId) {
        JsonNode body = call.body();
        ObjectNode given = recipient(body.get("recipient"));
        Optional<JsonNode> attributes = Optional.ofNullable(given.remove("attributes")).filter(a -> !a.isNull());
        if (attributes.isPresent() && !attributes.get().isObject()) {
            throw ApiException.badRequest("recipient.attributes must be an object");
        }
        Recipient recipient = given.hasNonNull("external_user_id")
                ? new Recipient.ExternalId(Lenient.identifier(given.get("external_user_id").asText(),
                        "recipient.external_user_id"))
                : new Recipient.Alias(Lenient.identifier(given.path("user_alias").path("alias_label").asText(),
                        "recipient.user_alias.alias_label"),
                        Lenient.identifier(given.path("user_alias").path("alias_name").asText(),
                                "recipient.user_alias.alias_name"));
        Map<String, Object> properties = TriggerRequest.properties(body, "trigger_properties");
        return content.messagesOf(campaign, ws).thenCompose(messages -> send(call, ws, campaign, messages, recipient,
                attributes, properties, externalSendId));
    }

    private CompletionStage<ApiResponse> send(ApiCall call, WorkspaceConfig ws, Campaigns.Compiled campaign,
                                              List<MessageSpec> messages, Recipient recipient,
                                              Optional<JsonNode> attributes, Map<String, Object> triggerProperties,
                                              Optional<String> externalSendId) {
        Instant now = call.receivedAt();
        String campaignId = campaign.config().id();
        // Transactional email goes to unsubscribed users too.
        DispatchSpec spec = DispatchSpec.builder().recipients(List.of(RecipientSpec.of(recipient)))
                .properties(new RecipientSpec.Properties(triggerProperties, Map.of()))
                .campaignId(Optional.of(campaignId)).externalSendId(externalSendId)
                .subscriptionState(SubscriptionState.ALL).messages(messages).build();
        String id = Ids.dispatchId(clock);
        Duration maxAge = campaign.config().maxAge().orElse(delivery.maxAge());
        var dispatch = new NewDispatch(id, ws.id(), DispatchKind.TRANSACTIONAL_SEND, Lane.TRANSACTIONAL, spec, now,
                now.plus(maxAge), Optional.of(campaignId), Optional.empty(), Optional.empty());
        return dispatching.accept(call, dispatch, tx -> {
            if (externalSendId.isPresent()) {
                // A concurrent twin may have committed since the read above: the store answers, not the race.
                Optional<String> earlier = tx.keys().externalSend(ws.id(), campaignId, externalSendId.get(),
                        now.minus(Idempotency.TTL));
                if (earlier.isPresent()) {
                    throw new ApiException(409, "The external reference has been queued.  Please retry to obtain "
                            + "send_id.", List.of(), Map.of("Retry-After", "1"));
                }
                tx.keys().putExternalSend(ws.id(), campaignId, externalSendId.get(), id, now);
            }
            if (Profiles.write(tx, ws, recipient, attributes, true, now) instanceof Profiles.Written.Invalid invalid) {
                throw ApiException.badRequest("recipient.attributes: " + invalid.reason());
            }
        }, response(id, "queued", campaignId, externalSendId));
    }

    /** The answer to a repeated external_send_id: the first dispatch, as it stands now. */
    private static ApiResponse replay(StoreTx tx, String dispatchId, String campaignId, String externalSendId)
            throws SQLException {
        String status = "queued";
        for (DeliveryRow d : tx.deliveries().forDispatch(dispatchId)) {
            status = switch (d.status()) {
                case SENT, DELIVERED -> d.status().dbName();
                case BOUNCED, ABORTED -> d.status().dbName();
                case QUEUED, SENDING, UNDELIVERED, FAILED, EXPIRED -> status;
            };
        }
        return ApiResponse.json(201, response(dispatchId, status, campaignId, Optional.of(externalSendId)));
    }

    private static ObjectNode response(String dispatchId, String status, String campaignId,
                                       Optional<String> externalSendId) {
        ObjectNode out = Json.object();
        out.put("dispatch_id", dispatchId);
        out.put("status", status);
        ObjectNode meta = out.putObject("metadata");
        externalSendId.ifPresent(id -> meta.put("external_send_id", id));
        meta.put("campaign_api_id", campaignId);
        out.put("message", "success");
        return out;
    }

    /** {@code recipient} as an object or an array of exactly one, with exactly one identifier. */
    static ObjectNode recipient(JsonNode given) {
        JsonNode r = given;
        if (r != null && r.isArray()) {
            if (r.size() != 1) {
                throw ApiException.badRequest("recipient must be one recipient (an object, or an array of one)");
            }
            r = r.get(0);
        }
        if (r == null || !r.isObject()) {
            throw ApiException.badRequest("recipient is required: an object with external_user_id or user_alias");
        }
        ObjectNode out = (ObjectNode) r.deepCopy();
        boolean external = out.hasNonNull("external_user_id");
        boolean alias = out.hasNonNull("user_alias");
        if (external == alias) {
            throw ApiException.badRequest("recipient needs exactly one of external_user_id and user_alias");
        }
        if (external && (!out.get("external_user_id").isTextual() || out.get("external_user_id").asText().isBlank())) {
            throw ApiException.badRequest("recipient.external_user_id must be a non-empty string");
        }
        if (alias && (!out.path("user_alias").path("alias_name").isTextual()
                || !out.path("user_alias").path("alias_label").isTextual())) {
            throw ApiException.badRequest("recipient.user_alias must have alias_name and alias_label strings");
        }
        return out;
    }
}
