package dev.herald.channel.apns;

import dev.herald.channel.ApplePush;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The JSON payload of the last push built, kept for the next one: a send to many users gives each of them an equal
 * {@link ApplePush} (unless its text is personalised), and building the payload with Pushy's builder was a fifth of
 * what the scheduler allocated per push. Equality, not identity: each delivery's push is a new object.
 */
final class LastPayload {
    /** A payload and its length in UTF-8, which APNs limits. */
    record Built(ApplePush push, String payload, int utf8Bytes) {
    }

    private final AtomicReference<Built> last = new AtomicReference<>();

    /** The payload of {@code push}: the last one built if that was for an equal push, else built now. */
    Built of(ApplePush push) {
        Built b = last.get();
        if (b != null && b.push().equals(push)) {
            return b;
        }
        String payload = ApnsPayloads.payload(push);
        Built built = new Built(push, payload, payload.getBytes(StandardCharsets.UTF_8).length);
        last.set(built);
        return built;
    }
}
