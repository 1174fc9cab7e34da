package dev.herald.gateway.model;

import java.util.Objects;

/**
 * A dispatch spec as the journal keeps it: the document and the version it was written at.
 *
 * @param version  {@link SpecCodec#CURRENT} for anything this Herald wrote; 0 for a request kept by an older one
 * @param document the JSON document
 */
public record StoredSpec(int version, String document) {
    public StoredSpec {
        Objects.requireNonNull(document, "document");
    }

    /** A spec encoded at the current version. */
    public static StoredSpec of(DispatchSpec spec) {
        return new StoredSpec(SpecCodec.CURRENT, SpecCodec.encode(spec));
    }

    /**
     * The spec.
     *
     * @throws SpecCodec.UnreadableSpecException if this Herald cannot read it
     */
    public DispatchSpec decode() {
        return SpecCodec.decode(version, document);
    }
}
