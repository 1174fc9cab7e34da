package dev.herald.gateway.delivery;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.herald.gateway.model.DispatchSpec;
import dev.herald.gateway.model.SpecCodec;
import dev.herald.gateway.model.StoredSpec;
import java.time.Duration;

/**
 * The decoded specs of the dispatches being delivered. A dispatch's deliveries are claimed in runs, so its spec is
 * decoded once for the run, not once per recipient.
 *
 * <p>Bounded by weight, not by count: the weight of a spec is the length of its stored document (decoded, it takes
 * about three times that in heap). A send to 50 users decodes to about 8 KiB; under the push benchmark a bound of
 * 10,000 entries kept every dispatch of the last minutes, 70 MiB of the old generation, and a bound by count lets a
 * few large specs take the whole heap. A spec is needed only while its dispatch's deliveries are claimed and sent,
 * so the default holds hundreds of such dispatches, several times what {@code delivery.max_in_flight} attempts use;
 * a retry later decodes it again.
 */
final class SpecCache {
    /** The default bound, in characters of stored documents. */
    static final long DEFAULT_CHARS = 2L * 1024 * 1024;

    private record Decoded(DispatchSpec spec, int chars) {
    }

    private final Cache<String, Decoded> decoded;

    SpecCache(long maxChars) {
        this.decoded = Caffeine.newBuilder().maximumWeight(maxChars)
                .weigher((String dispatch, Decoded d) -> d.chars())
                .expireAfterAccess(Duration.ofMinutes(5))
                .executor(Runnable::run) // evictions on the caller's thread, at once: no hand-off per new spec
                .build();
    }

    /**
     * The spec of a dispatch, decoded from {@code stored} unless it is held.
     *
     * @throws SpecCodec.UnreadableSpecException if this Herald cannot read it
     */
    DispatchSpec spec(String dispatchId, StoredSpec stored) {
        Decoded held = decoded.getIfPresent(dispatchId);
        if (held != null) {
            return held.spec();
        }
        DispatchSpec spec = stored.decode();
        decoded.put(dispatchId, new Decoded(spec, stored.document().length()));
        return spec;
    }

    /** The characters of the documents whose specs are held now. */
    long weight() {
        decoded.cleanUp();
        return decoded.policy().eviction().orElseThrow().weightedSize().orElseThrow();
    }
}
