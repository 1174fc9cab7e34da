package dev.herald.gateway.delivery;

import dev.herald.config.WorkspaceConfig;
import dev.herald.gateway.binding.Addressee;
import dev.herald.gateway.binding.ChannelBinding;
import dev.herald.gateway.binding.ChannelBindings;
import dev.herald.gateway.binding.Reach;
import dev.herald.gateway.model.AndroidPushSpec;
import dev.herald.gateway.model.ApplePushSpec;
import dev.herald.gateway.model.DeliveryStatus;
import dev.herald.gateway.model.DispatchSpec;
import dev.herald.gateway.model.Ids;
import dev.herald.gateway.model.MessageSpec;
import dev.herald.gateway.model.Recipient;
import dev.herald.gateway.model.RecipientSpec;
import dev.herald.gateway.store.DeliveryRow;
import dev.herald.gateway.store.DispatchRow;
import dev.herald.gateway.store.NewDelivery;
import dev.herald.gateway.store.StoreTx;
import dev.herald.gateway.store.UserRow;
import dev.herald.gateway.store.Users;
import java.sql.SQLException;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Turns a dispatch into deliveries: one per recipient per messaging object per address, resolving each recipient
 * in the directory. Each channel's binding says where a recipient's message goes ({@link ChannelBinding#reach});
 * when it can go nowhere, that delivery is created {@code aborted} with the reason (Braze's "User not emailable"
 * and the like) while the other channels proceed, and the listeners hear of it in the same transaction.
 * Idempotent: the journal's unique (dispatch, recipient, channel, address) makes a second expansion insert nothing.
 */
public final class Expander {
    /** Profiles of a broadcast examined per write, so a large audience never holds the writer for long. */
    public static final int PAGE = 500;

    private final Clock clock;
    private final OutcomeListener listeners;

    /** An expander stamping ids and times from {@code clock}, telling {@code listeners} of deliveries it aborts. */
    public Expander(Clock clock, OutcomeListener listeners) {
        this.clock = clock;
        this.listeners = listeners;
    }

    /**
     * Inserts the deliveries of a dispatch to listed recipients and marks it expanded, inside the caller's
     * transaction. With an audience, only the listed users in it get the message.
     *
     * @return how many deliveries were written (see {@link #insertDeliveries})
     */
    public int expand(StoreTx tx, DispatchRow dispatch, DispatchSpec spec, WorkspaceConfig ws) throws SQLException {
        int inserted = insertDeliveries(tx, dispatch, spec, ws);
        tx.dispatches().markExpanded(dispatch.id(), clock.instant());
        return inserted;
    }

    /**
     * Inserts the deliveries of a dispatch to listed recipients, inside the caller's transaction, for a dispatch
     * written {@linkplain dev.herald.gateway.store.Dispatches#insertExpanded expanded} in it. The inserts may wait
     * for the store's next flush, before the commit.
     *
     * @return how many deliveries were written (a recipient listed twice counts twice, though it gets one)
     */
    public int insertDeliveries(StoreTx tx, DispatchRow dispatch, DispatchSpec spec, WorkspaceConfig ws)
            throws SQLException {
        return insertResolved(tx, dispatch, spec, resolve(tx, spec, ws));
    }

    /**
     * Where a dispatch's listed recipients' messages go: each recipient's profile and, per messaging object, its
     * addresses or why it has none. Only reads, so it can run on a read connection before the accept's write and
     * keep the lookups off the single writer; {@link #insertResolved} then writes the deliveries.
     */
    public Resolution resolve(StoreTx tx, DispatchSpec spec, WorkspaceConfig ws) throws SQLException {
        Instant now = clock.instant();
        List<Resolved> resolved = new ArrayList<>(spec.recipients().size());
        List<String> externalIds = new ArrayList<>();
        for (RecipientSpec r : spec.recipients()) {
            if (r.recipient() instanceof Recipient.ExternalId e) {
                externalIds.add(e.id());
            }
        }
        Map<String, UserRow> byExternalId = externalIds.isEmpty() ? Map.of()
                : tx.users().byExternalIds(ws.id(), externalIds); // one look for the whole list
        List<Addressee> addressees = new ArrayList<>(spec.recipients().size());
        for (RecipientSpec r : spec.recipients()) {
            Optional<UserRow> user = find(tx, ws.id(), r.recipient(), byExternalId);
            if (spec.audience().isPresent()
                    && user.filter(u -> AudienceMatcher.matches(spec.audience().get(), u, now)).isEmpty()) {
                continue;
            }
            addressees.add(new Addressee(ws, r.recipient().key(), user, spec.subscriptionState()));
        }
        try (var tokens = preloadPushTokens(tx, spec, addressees)) {
            for (Addressee who : addressees) {
                resolved.add(resolve(tx, spec, who));
            }
        }
        return new Resolution(resolved);
    }

    /**
     * Inserts the deliveries {@code resolution} found, inside the caller's transaction (see
     * {@link #insertDeliveries}).
     *
     * @return how many deliveries were written
     */
    public int insertResolved(StoreTx tx, DispatchRow dispatch, DispatchSpec spec, Resolution resolution)
            throws SQLException {
        Instant now = clock.instant();
        int inserted = 0;
        for (Resolved r : resolution.recipients()) {
            inserted += insert(tx, dispatch, spec, r, now);
        }
        return inserted;
    }

    /** The recipients of a dispatch as {@link #resolve} found them, in the order listed. */
    public record Resolution(List<Resolved> recipients) {
        public Resolution {
            recipients = List.copyOf(recipients);
        }
    }

    /** One recipient and, in the order of the dispatch's messaging objects, where each goes. */
    public record Resolved(Addressee who, List<Reach> reaches) {
        public Resolved {
            Objects.requireNonNull(who, "who");
            reaches = List.copyOf(reaches);
        }
    }

    private static Resolved resolve(StoreTx tx, DispatchSpec spec, Addressee who) throws SQLException {
        List<Reach> reaches = new ArrayList<>(spec.messages().size());
        for (MessageSpec m : spec.messages()) {
            reaches.add(reach(ChannelBindings.bind(m), who, tx));
        }
        return new Resolved(who, reaches);
    }

    private static <S extends MessageSpec> Reach reach(ChannelBindings.Bound<S, ?> bound, Addressee who, StoreTx tx)
            throws SQLException {
        return bound.binding().reach(bound.spec(), who, tx);
    }

    /**
     * Expands one page of a broadcast: the next {@value #PAGE} profiles of the workspace after the dispatch's
     * cursor that match its audience. The cursor is persisted with the page, so a restart resumes where it stopped;
     * the last page marks the dispatch expanded.
     *
     * @return whether the broadcast is fully expanded
     */
    public boolean expandPage(StoreTx tx, DispatchRow dispatch, DispatchSpec spec, WorkspaceConfig ws)
            throws SQLException {
        Instant now = clock.instant();
        List<UserRow> page = tx.users().page(ws.id(), dispatch.expandCursor().orElse(0L), PAGE);
        List<Addressee> addressees = new ArrayList<>(page.size());
        for (UserRow user : page) {
            if (spec.audience().isEmpty() || AudienceMatcher.matches(spec.audience().get(), user, now)) {
                addressees.add(new Addressee(ws, key(user), Optional.of(user), spec.subscriptionState()));
            }
        }
        try (var tokens = preloadPushTokens(tx, spec, addressees)) {
            for (Addressee who : addressees) {
                insert(tx, dispatch, spec, resolve(tx, spec, who), now);
            }
        }
        if (page.size() < PAGE) {
            tx.dispatches().markExpanded(dispatch.id(), now);
            return true;
        }
        tx.dispatches().advanceCursor(dispatch.id(), page.getLast().id(), now);
        return false;
    }

    /** How a profile found by a broadcast is written as a recipient. */
    static String key(UserRow user) {
        return user.externalId().map(id -> "external_id:" + id).orElse("braze_id:" + user.brazeId());
    }

    /**
     * The push tokens of the addressees' profiles, read ahead in a few statements when the dispatch has a push
     * message (whose binding asks for them recipient by recipient).
     */
    private static Users.PushTokenPreload preloadPushTokens(StoreTx tx, DispatchSpec spec, List<Addressee> addressees)
            throws SQLException {
        boolean push = spec.messages().stream()
                .anyMatch(m -> m instanceof ApplePushSpec || m instanceof AndroidPushSpec);
        List<Long> users = push ? addressees.stream().flatMap(a -> a.user().stream()).map(UserRow::id).toList()
                : List.of();
        return tx.users().preloadPushTokens(users);
    }

    private int insert(StoreTx tx, DispatchRow dispatch, DispatchSpec spec, Resolved r, Instant now)
            throws SQLException {
        int inserted = 0;
        Instant due = dueFor(dispatch, r.who().user(), now);
        for (int i = 0; i < spec.messages().size(); i++) {
            inserted += channel(tx, dispatch, spec, ChannelBindings.bind(spec.messages().get(i)), r.who(),
                    r.reaches().get(i), due, now);
        }
        return inserted;
    }

    private <S extends MessageSpec> int channel(StoreTx tx, DispatchRow dispatch, DispatchSpec spec,
                                                ChannelBindings.Bound<S, ?> bound, Addressee who, Reach reach,
                                                Instant due, Instant now) throws SQLException {
        ChannelBinding<S, ?> binding = bound.binding();
        Optional<Long> userId = who.user().map(UserRow::id);
        Instant limit = binding.ageLimit(bound.spec(), dispatchLimit(dispatch, due), due);
        int inserted = 0;
        switch (reach) {
            case Reach.Addresses a -> {
                for (Reach.Address address : a.addresses()) {
                    var d = new NewDelivery(Ids.deliveryId(clock), dispatch.id(), dispatch.workspace(),
                            binding.channel(), who.recipientKey(), address.address(), address.egressKey(),
                            dispatch.lane(), DeliveryStatus.QUEUED, due, limit, Optional.empty(), userId,
                            address.appId());
                    tx.deliveries().insertLater(d, now);
                    inserted++;
                }
            }
            case Reach.Unreachable u -> {
                var d = new NewDelivery(Ids.deliveryId(clock), dispatch.id(), dispatch.workspace(), binding.channel(),
                        who.recipientKey(), "", "none", dispatch.lane(), DeliveryStatus.ABORTED, due,
                        dispatch.expiresAt(), Optional.of(u.reason()), userId, Optional.empty());
                if (tx.deliveries().insert(d, now)) {
                    inserted++;
                    DeliveryRow row = d.toRow(now);
                    listeners.changed(tx, new StateChange(row, dispatch.kind(), Optional.of(spec),
                            DeliveryStatus.QUEUED, DeliveryStatus.ABORTED, Optional.of(u.reason()), Optional.empty(),
                            Optional.empty(), now));
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
        if (!dispatch.inLocalTime()) {
            return now;
        }
        try {
            ZoneId zone = user.flatMap(UserRow::timeZone).map(ZoneId::of).orElse(ZoneOffset.UTC);
            Instant at = dispatch.schedule().orElseThrow().localTimeIn(zone);
            return at.isAfter(now) ? at : now;
        } catch (DateTimeException e) {
            return now;
        }
    }

    /**
     * The dispatch's age limit for a recipient: a local-time schedule's limit counts from the first time zone, so
     * each user's counts from their own wall time.
     */
    static Instant dispatchLimit(DispatchRow d, Instant due) {
        Instant limit = d.expiresAt();
        if (d.inLocalTime() && due.isAfter(d.notBefore())) {
            limit = limit.plus(Duration.between(d.notBefore(), due));
        }
        return limit;
    }

    /** The recipient's profile; external ids were looked up together beforehand ({@code byExternalId}). */
    private static Optional<UserRow> find(StoreTx tx, String workspace, Recipient recipient,
                                          Map<String, UserRow> byExternalId) throws SQLException {
        return switch (recipient) {
            case Recipient.ExternalId e -> Optional.ofNullable(byExternalId.get(e.id()));
            case Recipient.BrazeId b -> tx.users().byBrazeId(workspace, b.id());
            case Recipient.Email e -> tx.users().byEmail(workspace, e.address());
            case Recipient.Alias a -> tx.users().byAlias(workspace, a.label(), a.name());
        };
    }
}
