package dev.herald.gateway.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.herald.config.ApiKeyConfig;
import dev.herald.config.StoreConfig;
import dev.herald.config.WorkspaceConfig;
import dev.herald.gateway.auth.ApiKeyAuthenticator;
import dev.herald.gateway.auth.Principal;
import dev.herald.gateway.delivery.Expander;
import dev.herald.gateway.delivery.OutcomeListener;
import dev.herald.gateway.http.ApiCall;
import dev.herald.gateway.http.ApiRequest;
import dev.herald.gateway.json.Json;
import dev.herald.gateway.model.DispatchKind;
import dev.herald.gateway.model.DispatchSpec;
import dev.herald.gateway.model.Lane;
import dev.herald.gateway.model.Recipient;
import dev.herald.gateway.model.RecipientSpec;
import dev.herald.gateway.model.WebhookSpec;
import dev.herald.gateway.store.NewDispatch;
import dev.herald.gateway.store.sqlite.SqliteStore;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An accept wakes the scheduler every time, and the event publisher only when its transaction added events. */
final class DispatchingTest {
    private static final Instant NOW = Instant.parse("2026-12-07T10:00:00Z");

    @TempDir
    Path dir;

    @Test
    void theEventPublisherIsWokenOnlyByAnAcceptThatAddedEvents() throws Exception {
        var ws = WorkspaceConfig.of("acme", false, List.of(new ApiKeyConfig("k", ApiKeyAuthenticator.sha256Hex("k"),
                Set.of("messages.send"))));
        var accepted = new AtomicInteger();
        var woken = new AtomicInteger();
        try (var store = SqliteStore.open(new StoreConfig(StoreConfig.Kind.SQLITE, dir.resolve("h.db"), 100,
                Duration.ofDays(1)))) {
            var dispatching = new Dispatching(store, new Expander(java.time.Clock.systemUTC(), OutcomeListener.NONE),
                    accepted::incrementAndGet, woken::incrementAndGet);
            accept(dispatching, ws, Dispatching.Before.NOTHING);
            assertEquals(1, accepted.get());
            assertEquals(0, woken.get(), "nothing to publish: the publisher keeps its poll");

            accept(dispatching, ws, tx -> tx.events().add(UUID.randomUUID(), "acme", "d", Optional.empty(),
                    "aborted", "{}", NOW, NOW.plusSeconds(60)));
            assertEquals(2, accepted.get());
            assertEquals(1, woken.get(), "the accept wrote an event: it goes out now, not at the next poll");
        }
    }

    private static void accept(Dispatching dispatching, WorkspaceConfig ws, Dispatching.Before before)
            throws Exception {
        var spec = DispatchSpec.builder().recipients(List.of(RecipientSpec.of(new Recipient.ExternalId("u1"))))
                .messages(List.of(new WebhookSpec("https://h.example/", "POST", Map.of(), "", Optional.empty())))
                .build();
        String id = UUID.randomUUID().toString().replace("-", "");
        var dispatch = new NewDispatch(id, ws.id(), DispatchKind.MESSAGES_SEND, Lane.STANDARD, spec, NOW,
                NOW.plus(Duration.ofDays(1)), Optional.empty(), Optional.empty(), Optional.empty());
        var call = new ApiCall(new ApiRequest("POST", "/messages/send", Map.of(), new DefaultHttpHeaders(),
                new byte[0], null), new Principal(ws, ws.apiKeys().getFirst()), Json.object(), Map.of(), NOW,
                Optional.empty());
        assertEquals(201, dispatching.accept(call, dispatch, before, Json.object()).toCompletableFuture()
                .get(10, TimeUnit.SECONDS).status());
    }
}
