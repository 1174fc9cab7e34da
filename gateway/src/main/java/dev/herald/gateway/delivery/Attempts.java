package dev.herald.gateway.delivery;

import dev.herald.channel.DeliveryRef;
import dev.herald.channel.OutboundMessage;
import dev.herald.channel.SendOutcome;
import dev.herald.channel.Sender;
import dev.herald.config.WorkspaceConfig;
import dev.herald.gateway.binding.ChannelBinding;
import dev.herald.gateway.binding.ChannelBindings;
import dev.herald.gateway.binding.ChannelSenders;
import dev.herald.gateway.binding.Fields;
import dev.herald.gateway.binding.Prepared;
import dev.herald.gateway.binding.SendContext;
import dev.herald.gateway.json.Json;
import dev.herald.gateway.model.DispatchSpec;
import dev.herald.gateway.model.MessageSpec;
import dev.herald.gateway.model.SpecCodec;
import dev.herald.gateway.store.ClaimedDelivery;
import dev.herald.gateway.store.DeliveryRow;
import dev.herald.gateway.store.Store;
import dev.herald.gateway.store.UserRow;
import dev.herald.gateway.template.TemplateEngine;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * One attempt of one claimed delivery: prepare (the channel's binding builds the message, rendering its templates
 * against the recipient's profile as it is now, on the template engine's threads) → send (the channel's sender, or
 * the sandbox's simulation) → outcome (mapped to the delivery's next state and recorded). Never throws: whatever
 * goes wrong before a provider answers is a retry of this delivery, and a template that cannot render fails only
 * its own delivery.
 */
final class Attempts {
    private static final Duration PROFILE_READ_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration ATTEMPT_TIMEOUT = Duration.ofMinutes(2);

    private final Store store;
    private final ChannelSenders senders;
    private final Function<String, Optional<WorkspaceConfig>> workspaces;
    private final TemplateEngine templates;
    private final Optional<URI> publicUrl;
    private final Outcomes outcomes;
    private final OutcomeRecorder recorder;
    private final Clock clock;
    /** Told when a provider's answer frees an egress slot, before the outcome is written. */
    private final Runnable answered;
    private final SpecCache specs = new SpecCache(SpecCache.DEFAULT_CHARS);

    Attempts(Store store, ChannelSenders senders, Function<String, Optional<WorkspaceConfig>> workspaces,
             TemplateEngine templates, Optional<URI> publicUrl, Outcomes outcomes, OutcomeRecorder recorder,
             Clock clock, Runnable answered) {
        this.store = store;
        this.senders = senders;
        this.workspaces = workspaces;
        this.templates = templates;
        this.publicUrl = publicUrl;
        this.outcomes = outcomes;
        this.recorder = recorder;
        this.clock = clock;
        this.answered = answered;
    }

    /** Runs the attempt; the stage completes once its outcome is recorded (or could not be). */
    CompletableFuture<Boolean> run(Claim claim) {
        ClaimedDelivery c = claim.delivery();
        DeliveryRow d = c.delivery();
        Optional<DispatchSpec> spec = Optional.empty();
        CompletableFuture<Attempted> flow;
        try {
            WorkspaceConfig ws = workspaces.apply(d.workspace()).orElseThrow(() -> new Unsendable(
                    "workspace " + d.workspace() + " is no longer configured"));
            DispatchSpec dispatch = spec(c);
            spec = Optional.of(dispatch);
            MessageSpec message = dispatch.message(d.channel()).orElseThrow(() -> new Unsendable(
                    "the dispatch has no " + d.channel().wireName() + " message"));
            flow = attempt(ChannelBindings.bind(message), c, dispatch, ws, claim.permit());
        } catch (Unsendable e) {
            flow = CompletableFuture.completedFuture(Attempted.without(outcomes.update(d,
                    new SendOutcome.Failed(e.getMessage()), clock.instant(), Optional.empty())));
        } catch (RuntimeException e) {
            flow = CompletableFuture.failedFuture(e);
        }
        Optional<DispatchSpec> read = spec;
        return flow.orTimeout(ATTEMPT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .handle((attempted, failure) -> attempted != null ? attempted : Attempted.without(outcomes.update(d,
                        SendOutcome.Retry.of("attempt failed: " + rootMessage(failure)), clock.instant(),
                        Optional.empty())))
                .thenCompose(attempted -> recorder.record(c, read, attempted));
    }

    private DispatchSpec spec(ClaimedDelivery c) throws Unsendable {
        try {
            return specs.spec(c.delivery().dispatchId(), c.spec());
        } catch (SpecCodec.UnreadableSpecException e) {
            throw new Unsendable(e.getMessage());
        }
    }

    private <S extends MessageSpec, M extends OutboundMessage> CompletableFuture<Attempted> attempt(
            ChannelBindings.Bound<S, M> bound, ClaimedDelivery c, DispatchSpec spec, WorkspaceConfig ws,
            EgressPermit permit) {
        DeliveryRow d = c.delivery();
        ChannelBinding<S, M> binding = bound.binding();
        var context = new SendContext(new DeliveryRef(d.id(), d.attempts()), d.address(), d.appId(), ws, publicUrl);
        return prepare(bound, context, c, spec)
                .exceptionally(e -> {
                    if (root(e) instanceof ProfileUnavailable unavailable) {
                        throw unavailable; // the store's trouble, not the message's: retried like a send
                    }
                    return new Prepared.Unsendable<>("rendering failed: " + rootMessage(e));
                })
                .thenCompose(prepared -> switch (prepared) {
                    case Prepared.Ready<M> ready -> send(binding, bound.spec(), d, ws, ready.message(), permit);
                    case Prepared.Abort<M> abort -> CompletableFuture.completedFuture(
                            Attempted.without(Outcomes.aborted(d, abort.reason())));
                    case Prepared.Unsendable<M> u -> CompletableFuture.completedFuture(Attempted.without(
                            outcomes.update(d, new SendOutcome.Failed(u.reason()), clock.instant(), Optional.empty())));
                });
    }

    /**
     * Builds the message. One without Liquid is built here and now: it never waits for the render threads, which
     * another workspace's templates may be keeping busy. One with Liquid is built on them, under its workspace's
     * share.
     */
    private <S extends MessageSpec, M extends OutboundMessage> CompletableFuture<Prepared<M>> prepare(
            ChannelBindings.Bound<S, M> bound, SendContext context, ClaimedDelivery c, DispatchSpec spec) {
        DeliveryRow d = c.delivery();
        ChannelBinding<S, M> binding = bound.binding();
        try {
            return CompletableFuture.completedFuture(binding.prepare(bound.spec(), context, Fields.withoutTemplates()));
        } catch (Fields.HasTemplates rendering) {
            return templates.run(d.workspace(), () -> binding.prepare(bound.spec(), context,
                    new Fields(templates, () -> TemplateVariables.of(d, spec, profileOf(d)))));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Sends a ready message: the sandbox simulates and keeps the rendered payload for the status API. */
    private <S extends MessageSpec, M extends OutboundMessage> CompletableFuture<Attempted> send(
            ChannelBinding<S, M> binding, S spec, DeliveryRow d, WorkspaceConfig ws, M message, EgressPermit permit) {
        Optional<String> detail = ws.sandbox() ? Optional.of(Json.text(binding.describe(message))) : Optional.empty();
        CompletionStage<SendOutcome> sent;
        try {
            if (ws.sandbox()) {
                sent = CompletableFuture.completedFuture(binding.simulate(message));
            } else {
                Optional<Sender<M>> sender = binding.route(senders).sender(d.workspace(), d.egressKey());
                sent = sender.isPresent() ? sender.get().send(message) : CompletableFuture.completedFuture(
                        new SendOutcome.Failed("no " + binding.channel().wireName()
                                + " sender is configured for this workspace"));
            }
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        return sent.toCompletableFuture()
                .handle((outcome, failure) -> outcome != null ? outcome
                        : SendOutcome.Retry.of("attempt failed: " + rootMessage(failure)))
                .thenApply(outcome -> {
                    permit.finish(outcome);
                    answered.run(); // the slot is free now: the next claim need not wait for this outcome's commit
                    return new Attempted(outcomes.update(d, outcome, clock.instant(), detail), Optional.of(outcome),
                            binding.effect(spec, d, outcome));
                });
    }

    /** The recipient's profile as it is now, read on the calling render thread (never the store's writer). */
    private Optional<UserRow> profileOf(DeliveryRow d) {
        if (d.userId().isEmpty()) {
            return Optional.empty();
        }
        long id = d.userId().get();
        try {
            return store.read(tx -> tx.users().byId(id)).get(PROFILE_READ_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProfileUnavailable("interrupted while reading the recipient's profile");
        } catch (ExecutionException | TimeoutException e) {
            throw new ProfileUnavailable("the recipient's profile could not be read: " + rootMessage(e));
        }
    }

    static String rootMessage(Throwable t) {
        Throwable cur = root(t);
        return cur == null ? "unknown" : cur.toString();
    }

    private static Throwable root(Throwable t) {
        Throwable cur = t;
        while ((cur instanceof CompletionException || cur instanceof ExecutionException) && cur.getCause() != null) {
            cur = cur.getCause();
        }
        return cur;
    }

    /** The stored message cannot be turned into something a provider accepts: the delivery fails with this. */
    private static final class Unsendable extends Exception {
        private static final long serialVersionUID = 1L;

        Unsendable(String reason) {
            super(reason, null, false, false);
        }
    }

    /** The recipient's profile could not be read for a template: the attempt is retried later. */
    private static final class ProfileUnavailable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ProfileUnavailable(String message) {
            super(message, null, false, false);
        }
    }
}
