package dev.herald.gateway.store;

import dev.herald.gateway.model.DispatchKind;
import dev.herald.gateway.model.DispatchSpec;
import dev.herald.gateway.model.Lane;
import dev.herald.gateway.model.ScheduleSpec;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * An accepted API request, as written in the same transaction that makes it durable.
 *
 * @param id          32 lower-case hex characters, returned to the client as {@code dispatch_id}
 * @param workspace   the workspace id
 * @param kind        what was called
 * @param lane        the lane its deliveries use
 * @param spec        what to send to whom (never containing an API key)
 * @param notBefore   when to expand it (now, or a schedule's time)
 * @param expiresAt   the age limit of its deliveries
 * @param campaignId  the campaign or Canvas it belongs to, if any (tracked sends, schedules of a trigger)
 * @param sendId      {@code send_id}, if given
 * @param schedule    the schedule of a scheduled send
 */
public record NewDispatch(String id, String workspace, DispatchKind kind, Lane lane, DispatchSpec spec,
                          Instant notBefore, Instant expiresAt, Optional<String> campaignId, Optional<String> sendId,
                          Optional<ScheduleSpec> schedule) {
    public NewDispatch {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(workspace, "workspace");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(lane, "lane");
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(notBefore, "notBefore");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(campaignId, "campaignId");
        Objects.requireNonNull(sendId, "sendId");
        Objects.requireNonNull(schedule, "schedule");
    }
}
