package dev.herald.gateway.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.channel.Channel;
import dev.herald.gateway.http.Access;
import dev.herald.gateway.http.ApiCall;
import dev.herald.gateway.http.ApiException;
import dev.herald.gateway.http.ApiRequest;
import dev.herald.gateway.http.ApiResponse;
import dev.herald.gateway.http.Endpoint;
import dev.herald.gateway.http.Lenient;
import dev.herald.gateway.idempotency.Idempotency;
import dev.herald.gateway.json.Json;
import dev.herald.gateway.model.DeliveryStatus;
import dev.herald.gateway.store.Deliveries.SendCount;
import dev.herald.gateway.store.Store;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;

/**
 * Send tracking (braze-api.md §5.5, §5.6): {@code POST /sends/id/create} registers a {@code send_id} for a
 * campaign (at most {@value #IDS_PER_DAY} new pairs per workspace in any 24 hours; re-creating an existing pair
 * is free), and {@code GET /sends/data_series} counts, per UTC day and channel, the deliveries of the dispatches
 * that carried that {@code campaign_id} and {@code send_id}. The counts come from the journal, so they cover
 * {@code store.retention}; opens, clicks and conversions are not observed by Herald and are reported as 0.
 */
public final class SendsEndpoints {
    static final int IDS_PER_DAY = 100;
    static final int MAX_DAYS = 100;
    private static final Pattern SEND_ID = Pattern.compile("[A-Za-z0-9_.:\\-]{1,64}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Store store;
    private final Clock clock;

    /** The endpoints over {@code store}. */
    public SendsEndpoints(Store store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** Both routes. */
    public List<Endpoint> endpoints() {
        return List.of(Endpoint.post("/sends/id/create", Access.permission("sends.id.create"), this::create),
                Endpoint.get("/sends/data_series", Access.permission("sends.data_series"), this::dataSeries));
    }

    private CompletionStage<ApiResponse> create(ApiCall call) {
        String campaign = Lenient.string(call.body(), "campaign_id", "campaign_id")
                .filter(s -> !s.isBlank())
                .orElseThrow(() -> ApiException.badRequest("campaign_id is required"));
        if (campaign.length() > 255) {
            throw ApiException.badRequest("campaign_id must be at most 255 characters");
        }
        String sendId = Lenient.string(call.body(), "send_id", "send_id").orElseGet(SendsEndpoints::newSendId);
        if (!SEND_ID.matcher(sendId).matches()) {
            throw ApiException.badRequest("send_id must be 1 to 64 letters, digits, '_', '-', '.' or ':'");
        }
        String ws = call.principal().workspaceId();
        Instant now = call.receivedAt();
        return store.<ApiResponse>write(tx -> {
            boolean isNew = !tx.keys().sendIdExists(ws, campaign, sendId);
            if (isNew && tx.keys().sendIdsSince(ws, now.minus(Duration.ofDays(1))) >= IDS_PER_DAY) {
                throw new ApiException(429, "Too Many Requests: at most " + IDS_PER_DAY
                        + " send_ids may be created per workspace per day", List.of(),
                        Map.of("Retry-After", String.valueOf(Duration.ofHours(1).toSeconds())));
            }
            if (isNew) {
                tx.keys().putSendId(ws, campaign, sendId, now);
            }
            ObjectNode body = Json.object();
            body.put("message", "success");
            body.put("send_id", sendId);
            return Idempotency.remember(tx, call, ApiResponse.json(201, body), java.util.Optional.empty());
        });
    }

    private CompletionStage<ApiResponse> dataSeries(ApiCall call) {
        var q = call.request();
        String campaign = q.queryParam("campaign_id").filter(s -> !s.isBlank())
                .orElseThrow(() -> ApiException.badRequest("campaign_id is required"));
        String sendId = q.queryParam("send_id").filter(s -> !s.isBlank())
                .orElseThrow(() -> ApiException.badRequest("send_id is required"));
        int length = q.queryParam("length")
                .map(raw -> ApiRequest.wholeNumber(raw, MAX_DAYS, "length must be a whole number of days from 1 to "
                        + MAX_DAYS))
                .orElseThrow(() -> ApiException.badRequest("length is required (1 to " + MAX_DAYS + " days)"));
        Instant endingAt = q.queryParam("ending_at").map(SendsEndpoints::instant).orElseGet(clock::instant);
        LocalDate lastDay = endingAt.atOffset(ZoneOffset.UTC).toLocalDate();
        LocalDate firstDay = lastDay.minusDays(length - 1L);
        Instant from = firstDay.atStartOfDay(ZoneOffset.UTC).toInstant();
        Instant until = lastDay.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        String ws = call.principal().workspaceId();
        return store.read(tx -> new Series(tx.deliveries().sendCounts(ws, campaign, sendId, from, until),
                        tx.deliveries().sendRecipients(ws, campaign, sendId, from, until)))
                .thenApply(s -> ApiResponse.json(200, s.toJson(firstDay, lastDay)));
    }

    private record Series(List<SendCount> counts, Map<LocalDate, Long> recipients) {
        ObjectNode toJson(LocalDate first, LocalDate last) {
            Map<LocalDate, Map<Channel, EnumMap<DeliveryStatus, Long>>> byDay = new TreeMap<>();
            for (SendCount c : counts) {
                byDay.computeIfAbsent(c.day(), d -> new EnumMap<>(Channel.class))
                        .computeIfAbsent(c.channel(), ch -> new EnumMap<>(DeliveryStatus.class))
                        .merge(c.status(), c.deliveries(), Long::sum);
            }
            ObjectNode out = Json.object();
            out.put("message", "success");
            ArrayNode data = out.putArray("data");
            for (LocalDate day = first; !day.isAfter(last); day = day.plusDays(1)) {
                ObjectNode entry = data.addObject();
                entry.put("time", day.toString());
                ObjectNode messages = entry.putObject("messages");
                byDay.getOrDefault(day, Map.of()).forEach((channel, statuses) ->
                        messages.putArray(seriesName(channel)).add(stats(channel, statuses)));
                entry.put("conversions_by_send_time", 0);
                entry.put("conversions", 0);
                entry.put("unique_recipients", recipients.getOrDefault(day, 0L));
                entry.put("revenue", 0.0);
            }
            return out;
        }

        /** Braze's data-series key: iOS push is {@code ios_push} there, not the messaging object's name. */
        private static String seriesName(Channel channel) {
            return channel == Channel.APPLE_PUSH ? "ios_push" : channel.wireName();
        }

        /** Braze's per-channel statistics, from delivery states. */
        private static ObjectNode stats(Channel channel, Map<DeliveryStatus, Long> s) {
            long delivered = n(s, DeliveryStatus.DELIVERED);
            long undelivered = n(s, DeliveryStatus.UNDELIVERED);
            long bounced = n(s, DeliveryStatus.BOUNCED);
            long failed = n(s, DeliveryStatus.FAILED) + n(s, DeliveryStatus.EXPIRED);
            long sent = n(s, DeliveryStatus.SENT) + delivered + undelivered;
            ObjectNode o = Json.object();
            o.put("variation_name", "Variant 1");
            switch (channel) {
                case EMAIL -> {
                    o.put("sent", sent + bounced);
                    o.put("delivered", delivered);
                    o.put("bounces", bounced);
                    for (String zero : new String[] {"opens", "unique_opens", "clicks", "unique_clicks", "unsubscribes",
                            "reported_spam"}) {
                        o.put(zero, 0);
                    }
                }
                case SMS -> {
                    o.put("sent", sent);
                    o.put("delivered", delivered);
                    o.put("undelivered", undelivered + bounced);
                    o.put("delivery_failed", failed);
                }
                case WEBHOOK -> {
                    o.put("sent", sent);
                    o.put("errors", failed + bounced);
                }
                case APPLE_PUSH, ANDROID_PUSH -> {
                    o.put("sent", sent);
                    o.put("delivered", delivered);
                    o.put("undelivered", undelivered);
                    o.put("delivery_failed", failed);
                    o.put("bounces", bounced);
                    o.put("direct_opens", 0);
                    o.put("total_opens", 0);
                    o.put("body_clicks", 0);
                }
            }
            o.put("aborted", n(s, DeliveryStatus.ABORTED));
            o.put("pending", n(s, DeliveryStatus.QUEUED) + n(s, DeliveryStatus.SENDING));
            o.put("revenue", 0.0);
            o.put("conversions", 0);
            o.put("conversions_by_send_time", 0);
            return o;
        }

        private static long n(Map<DeliveryStatus, Long> s, DeliveryStatus status) {
            return s.getOrDefault(status, 0L);
        }
    }

    private static Instant instant(String raw) {
        Instant at;
        try {
            at = OffsetDateTime.parse(raw.trim()).toInstant();
        } catch (DateTimeParseException notATime) {
            try {
                // The day's last millisecond. Outside java.time's range (the last day it knows has no next day)
                // is a bad time like any other, not a 500.
                at = LocalDate.parse(raw.trim()).plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().minusMillis(1);
            } catch (DateTimeException notADay) {
                throw ApiException.badRequest("ending_at must be an ISO-8601 time such as 2026-01-31T23:59:59Z, was "
                        + raw);
            }
        }
        return Lenient.inRange(at, "ending_at", raw);
    }

    private static String newSendId() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
