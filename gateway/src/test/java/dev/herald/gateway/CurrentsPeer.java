package dev.herald.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.channel.testkit.HttpPeer;
import dev.herald.gateway.json.Json;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Currents-style HTTP connector on loopback: answers every batch with the status the test sets (200 by default)
 * and keeps the batches it took, with their headers.
 */
final class CurrentsPeer implements AutoCloseable {
    /** A batch the connector took. */
    record Batch(HttpPeer.Received request, List<JsonNode> events) {
    }

    private final HttpPeer http;
    private final AtomicInteger status = new AtomicInteger(200);
    private final List<Batch> taken = new CopyOnWriteArrayList<>();
    private volatile java.util.concurrent.CountDownLatch hold;
    /** Batches still to take before refusing with 503 (negative: no limit). */
    private final AtomicInteger takeBeforeRefusing = new AtomicInteger(-1);

    CurrentsPeer() throws IOException {
        http = new HttpPeer();
        http.answer(ex -> {
            if (hold != null) {
                HttpPeer.awaitRelease(hold, java.time.Duration.ofSeconds(60));
            }
            int s = status.get();
            if (s == 200 && takeBeforeRefusing.getAndUpdate(n -> n > 0 ? n - 1 : n) == 0) {
                s = 503;
            }
            if (s == 200) {
                List<HttpPeer.Received> all = http.received();
                HttpPeer.Received r = all.get(all.size() - 1);
                List<JsonNode> events = new ArrayList<>();
                Json.parse(r.body()).path("events").forEach(events::add);
                taken.add(new Batch(r, events));
            }
            HttpPeer.reply(ex, s, s == 503 ? Map.of("Retry-After", "1") : Map.of(), "{}");
        });
    }

    URI url() {
        return http.url("/currents");
    }

    /** Answers {@code s} from now on. */
    void answer(int s) {
        takeBeforeRefusing.set(-1);
        status.set(s);
    }

    /** Takes {@code batches} more batches, then refuses every one with 503 until {@link #answer} is called. */
    void takeThenRefuse(int batches) {
        takeBeforeRefusing.set(batches);
        status.set(200);
    }

    /** Holds every request until {@code release} opens: a connector that does not answer. */
    void hang(java.util.concurrent.CountDownLatch release) {
        hold = release;
    }

    List<Batch> batches() {
        return List.copyOf(taken);
    }

    /** Every event taken so far, in the order they came. */
    List<JsonNode> events() {
        List<JsonNode> out = new ArrayList<>();
        taken.forEach(b -> out.addAll(b.events()));
        return out;
    }

    /** The events taken of {@code type} for the user with {@code externalId}. */
    List<JsonNode> events(String type, String externalId) {
        return events().stream().filter(e -> e.path("event_type").asText().equals(type)
                && e.path("user").path("external_user_id").asText().equals(externalId)).toList();
    }

    /** Every request, taken or refused. */
    List<HttpPeer.Received> requests() {
        return http.received();
    }

    @Override
    public void close() {
        http.close();
    }
}
