package dev.herald.gateway.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.channel.Channel;
import dev.herald.config.AppConfig;
import dev.herald.config.WorkspaceConfig;
import dev.herald.gateway.store.DeliveryStatus;
import dev.herald.gateway.store.DispatchRow;
import dev.herald.gateway.store.NewDelivery;
import dev.herald.gateway.store.PushTokenRow;
import dev.herald.gateway.store.StoreTx;
import dev.herald.gateway.store.UserRow;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Turns a dispatch into deliveries: one per recipient per messaging object per address, resolving each
 * recipient in the directory. A webhook needs no profile. Email, SMS and push need a profile with a usable
 * address that is subscribed as {@code recipient_subscription_state} requires; otherwise that delivery is
 * created {@code aborted} with the reason (Braze's "User not emailable" and the like) while the other channels
 * proceed. Push fans out to every valid token of the user's apps of that platform. Idempotent: the journal's
 * unique (dispatch, recipient, channel, address) makes a second expansion insert nothing.
 */
public final class Expander {
    private static final Pattern E164 = Pattern.compile("\\+[1-9]\\d{6,14}");

    private final Clock clock;

    /** An expander stamping ids and times from {@code clock}. */
    public Expander(Clock clock) {
        this.clock = clock;
    }

    /** Profiles of a broadcast examined per write, so a large audience never holds the writer for long. */
    public static final int PAGE = 500;

    /** Inserts the deliveries of a dispatch and marks it expanded, inside the caller's transaction. */
    public int expand(StoreTx tx, DispatchRow dispatch, JsonNode request, WorkspaceConfig ws) throws SQLException {
        Instant now = clock.instant();
        Optional<Audience> audience = request.hasNonNull("audience")
                ? Optional.of(Audience.parse(request.get("audience"))) : Optional.empty();
        int inserted = 0;
        for (JsonNode recipient : request.path("recipients")) {
            Optional<UserRow> user = find(tx, ws.id(), recipient);
            if (audience.isPresent() && user.filter(u -> audience.get().matches(u, now)).isEmpty()) {
                continue; // listed users and an audience: only the listed users in the audience
            }
            inserted += recipient(tx, dispatch, request, ws, Recipients.key(recipient), user, now);
        }
        tx.dispatches().markExpanded(dispatch.id(), now);
        return inserted;
    }

    /**
     * Expands one page of a broadcast: the next {@value #PAGE} profiles of the workspace after the dispatch's
     * cursor that match its {@code audience}. The cursor is persisted with the page, so a restart resumes where
     * it stopped; the last page marks the dispatch expanded.
     *
     * @return whether the broadcast is fully expanded
     */
    public boolean expandPage(StoreTx tx, DispatchRow dispatch, JsonNode request, WorkspaceConfig ws)
            throws SQLException {
        Instant now = clock.instant();
        Optional<Audience> audience = request.hasNonNull("audience")
                ? Optional.of(Audience.parse(request.get("audience"))) : Optional.empty();
        List<UserRow> page = tx.users().page(ws.id(), dispatch.expandCursor().orElse(0L), PAGE);
        for (UserRow user : page) {
            if (audience.isEmpty() || audience.get().matches(user, now)) {
                recipient(tx, dispatch, request, ws, Recipients.key(user), Optional.of(user), now);
            }
        }
        if (page.size() < PAGE) {
            tx.dispatches().markExpanded(dispatch.id(), now);
            return true;
        }
        tx.dispatches().advanceCursor(dispatch.id(), page.get(page.size() - 1).id(), now);
        return false;
    }

    private int recipient(StoreTx tx, DispatchRow dispatch, JsonNode request, WorkspaceConfig ws, String key,
                          Optional<UserRow> user, Instant now) throws SQLException {
        int inserted = 0;
        Instant due = dueFor(dispatch, user, now);
        for (Map.Entry<String, JsonNode> m : request.path("messages").properties()) {
            Channel channel = Channel.fromWireName(m.getKey());
            for (NewDelivery d : forChannel(tx, dispatch, request, ws, channel, m.getValue(), key, user, due)) {
                if (tx.deliveries().insert(d, now)) {
                    inserted++;
                }
            }
        }
        return inserted;
    }

    /**
     * When a recipient's deliveries are due: now, or for a schedule {@code in_local_time}, the schedule's wall
     * time in the user's {@code time_zone} (UTC when unknown), never earlier than now.
     */
    static Instant dueFor(DispatchRow dispatch, Optional<UserRow> user, Instant now) {
        if (!isLocalTime(dispatch)) {
            return now;
        }
        JsonNode schedule = dev.herald.gateway.json.Json.parseOrEmpty(dispatch.schedule().orElseThrow());
        try {
            var local = java.time.LocalDateTime.parse(schedule.path("time").asText());
            var zone = user.flatMap(UserRow::timeZone).map(java.time.ZoneId::of).orElse(java.time.ZoneOffset.UTC);
            Instant at = local.atZone(zone).toInstant();
            return at.isAfter(now) ? at : now;
        } catch (java.time.DateTimeException e) {
            return now;
        }
    }

    private static boolean isLocalTime(DispatchRow dispatch) {
        return dispatch.schedule().isPresent() && dev.herald.gateway.json.Json.parseOrEmpty(dispatch.schedule().get())
                .path("in_local_time").asBoolean(false);
    }

    private static Optional<UserRow> find(StoreTx tx, String workspace, JsonNode recipient) throws SQLException {
        if (recipient.hasNonNull("external_user_id")) {
            return tx.users().byExternalId(workspace, recipient.get("external_user_id").asText());
        }
        if (recipient.hasNonNull("braze_id")) {
            return tx.users().byBrazeId(workspace, recipient.get("braze_id").asText());
        }
        if (recipient.hasNonNull("email")) {
            return tx.users().byEmail(workspace, recipient.get("email").asText());
        }
        JsonNode alias = recipient.path("user_alias");
        return tx.users().byAlias(workspace, alias.path("alias_label").asText(), alias.path("alias_name").asText());
    }

    private List<NewDelivery> forChannel(StoreTx tx, DispatchRow d, JsonNode request, WorkspaceConfig ws,
                                         Channel channel, JsonNode object, String key, Optional<UserRow> user,
                                         Instant due) throws SQLException {
        String state = request.path("recipient_subscription_state").asText("subscribed");
        var make = new Maker(d, key, channel, user, due, ageLimit(d, channel, object, due));
        return switch (channel) {
            case WEBHOOK -> {
                String url = object.path("url").asText();
                yield List.of(make.queued(url, EgressKeys.webhook(url), Optional.empty()));
            }
            case EMAIL -> List.of(email(make, ws, user, state));
            case SMS -> List.of(sms(tx, make, ws, object, user, state));
            case APPLE_PUSH -> push(tx, make, ws, object, user, state, AppConfig.Platform.IOS);
            case ANDROID_PUSH -> push(tx, make, ws, object, user, state, AppConfig.Platform.ANDROID);
        };
    }

    /**
     * When a delivery stops being worth sending: the dispatch's age limit, or sooner for a push whose own
     * {@code expiry} (APNs) or {@code time_to_live} (FCM) says a late notification is worthless.
     */
    static Instant ageLimit(DispatchRow d, Channel channel, JsonNode object, Instant due) {
        Instant limit = d.expiresAt();
        if (isLocalTime(d) && due.isAfter(d.notBefore())) {
            // The dispatch's limit counts from the first time zone; each user's counts from their own wall time.
            limit = limit.plus(java.time.Duration.between(d.notBefore(), due));
        }
        Optional<Instant> own = Optional.empty();
        if (channel == Channel.APPLE_PUSH && object.path("expiry").isTextual()) {
            try {
                own = Optional.of(MessageFactory.instant(object.get("expiry").asText()));
            } catch (java.time.format.DateTimeParseException e) {
                own = Optional.empty(); // refused at ingress; an old stored request just keeps the dispatch's limit
            }
        } else if (channel == Channel.ANDROID_PUSH && object.path("time_to_live").canConvertToLong()) {
            own = Optional.of(due.plusSeconds(object.get("time_to_live").asLong()));
        }
        return own.filter(limit::isAfter).orElse(limit);
    }

    private static NewDelivery email(Maker make, WorkspaceConfig ws, Optional<UserRow> user, String state) {
        if (user.isEmpty()) {
            return make.aborted("User not emailable: no profile for " + make.recipient);
        }
        UserRow u = user.get();
        if (u.email().isEmpty()) {
            return make.aborted("User not emailable: the profile has no email address");
        }
        if (u.emailInvalid().isPresent()) {
            return make.aborted("User not emailable: " + u.email().get() + " bounced (" + u.emailInvalid().get()
                    + "); set the address again with /users/track to retry it");
        }
        Optional<String> refusal = subscription(state, u.emailSubscribe(), "email");
        if (refusal.isPresent()) {
            return make.aborted(refusal.get());
        }
        String egress = ws.email().map(e -> EgressKeys.smtp(e.smtp())).orElse("smtp:sandbox");
        return make.queued(u.email().get(), egress, Optional.empty());
    }

    private static NewDelivery sms(StoreTx tx, Maker make, WorkspaceConfig ws, JsonNode object, Optional<UserRow> user,
                                   String state) throws SQLException {
        String group = object.path("subscription_group_id").asText();
        if (user.isEmpty()) {
            return make.aborted("User not reachable by SMS: no profile for " + make.recipient);
        }
        UserRow u = user.get();
        if (u.phone().isEmpty()) {
            return make.aborted("User not reachable by SMS: the profile has no phone number");
        }
        String phone = u.phone().get();
        if (u.phoneInvalid().isPresent()) {
            return make.aborted("User not reachable by SMS: " + phone + " was refused (" + u.phoneInvalid().get()
                    + "); set the number again with /users/track to retry it");
        }
        if (!E164.matcher(phone).matches()) {
            return make.aborted("User not reachable by SMS: \"" + phone + "\" is not an E.164 number such as "
                    + "+15551234567");
        }
        Optional<String> subscribed = tx.users().subscription(u.id(), group);
        if (!state.equals("all") && !subscribed.equals(Optional.of("subscribed"))) {
            return make.aborted("User is not subscribed to SMS subscription group " + group);
        }
        String sender = ws.sms().map(s -> s.subscriptionGroups().get(group)).map(g -> g.sender()).orElse(group);
        return make.queued(phone, EgressKeys.sms(sender), Optional.empty());
    }

    private static List<NewDelivery> push(StoreTx tx, Maker make, WorkspaceConfig ws, JsonNode object,
                                          Optional<UserRow> user, String state, AppConfig.Platform platform)
            throws SQLException {
        String kind = platform == AppConfig.Platform.IOS ? "iOS" : "Android";
        if (user.isEmpty()) {
            return List.of(make.aborted("User has no " + kind + " push tokens: no profile for " + make.recipient));
        }
        UserRow u = user.get();
        Optional<String> refusal = subscription(state, u.pushSubscribe(), "push");
        if (refusal.isPresent()) {
            return List.of(make.aborted(refusal.get()));
        }
        List<PushTokenRow> tokens = new ArrayList<>();
        for (PushTokenRow t : tx.users().pushTokens(u.id())) {
            Optional<AppConfig> app = ws.app(t.appId());
            if (app.isPresent() && app.get().platform() == platform && t.invalidReason().isEmpty()) {
                tokens.add(t);
            }
        }
        if (tokens.isEmpty()) {
            return List.of(make.aborted("User has no valid " + kind + " push tokens"));
        }
        boolean mostRecentOnly = object.path("send_to_most_recent_device_only").asBoolean(false)
                || object.path("send_to_most_recent_device_only").asText("").equals("true");
        List<NewDelivery> out = new ArrayList<>();
        for (PushTokenRow t : mostRecentOnly ? tokens.subList(0, 1) : tokens) {
            AppConfig app = ws.app(t.appId()).orElseThrow();
            String egress = platform == AppConfig.Platform.IOS
                    ? app.apns().map(a -> a.credentialKey()).orElse("apns:sandbox:" + app.appId())
                    : app.fcm().map(f -> f.credentialKey()).orElse("fcm:sandbox:" + app.appId());
            out.add(make.queued(t.token(), egress, Optional.of(t.appId())));
        }
        return out;
    }

    /** Why a user may not receive on a channel under {@code recipient_subscription_state}, if they may not. */
    static Optional<String> subscription(String state, Optional<String> subscribe, String channel) {
        String s = subscribe.orElse("subscribed");
        return switch (state) {
            case "all" -> Optional.empty();
            case "opted_in" -> s.equals("opted_in") ? Optional.empty()
                    : Optional.of("User has not opted in to " + channel + " (recipient_subscription_state opted_in)");
            default -> s.equals("unsubscribed") ? Optional.of("User is unsubscribed from " + channel)
                    : Optional.empty();
        };
    }

    /** Builds the deliveries of one recipient on one channel. */
    private final class Maker {
        final DispatchRow d;
        final String recipient;
        final Channel channel;
        final Optional<Long> userId;
        final Instant now;
        final Instant expiresAt;

        Maker(DispatchRow d, String recipient, Channel channel, Optional<UserRow> user, Instant now, Instant expiresAt) {
            this.d = d;
            this.recipient = recipient;
            this.channel = channel;
            this.userId = user.map(UserRow::id);
            this.now = now;
            this.expiresAt = expiresAt;
        }

        NewDelivery queued(String address, String egressKey, Optional<String> appId) {
            return new NewDelivery(Ids.deliveryId(clock), d.id(), d.workspace(), channel, recipient, address, egressKey,
                    d.lane(), DeliveryStatus.QUEUED, now, expiresAt, Optional.empty(), userId, appId);
        }

        NewDelivery aborted(String reason) {
            return new NewDelivery(Ids.deliveryId(clock), d.id(), d.workspace(), channel, recipient, "", "none",
                    d.lane(), DeliveryStatus.ABORTED, now, d.expiresAt(), Optional.of(reason), userId, Optional.empty());
        }
    }
}
