package dev.herald.gateway.store;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * An accepted API request, as written in the same transaction that makes it durable.
 *
 * @param id          32 lower-case hex characters, returned to the client as {@code dispatch_id}
 * @param workspace   the workspace id
 * @param kind        what was called, e.g. {@code messages.send}
 * @param lane        the lane its deliveries use
 * @param request     the normalised request JSON (never containing an API key)
 * @param notBefore   when to expand it (now, or a schedule's time)
 * @param expiresAt   the age limit of its deliveries
 * @param campaignId  {@code campaign_id}, if given
 * @param sendId      {@code send_id}, if given
 * @param schedule    the schedule object of a scheduled send, as JSON
 */
public record NewDispatch(String id, String workspace, String kind, Lane lane, String request, Instant notBefore,
                          Instant expiresAt, Optional<String> campaignId, Optional<String> sendId,
                          Optional<String> schedule) {
    public NewDispatch {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(workspace, "workspace");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(lane, "lane");
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(notBefore, "notBefore");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(campaignId, "campaignId");
        Objects.requireNonNull(sendId, "sendId");
        Objects.requireNonNull(schedule, "schedule");
    }

    /** The row this dispatch becomes when inserted at {@code now}. */
    public DispatchRow toRow(Instant now) {
        return new DispatchRow(id, workspace, kind, lane, request, DispatchRow.ACCEPTED, notBefore, expiresAt,
                campaignId, sendId, now, now, schedule, Optional.empty());
    }
}
