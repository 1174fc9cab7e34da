package dev.herald.gateway.http;

import java.util.concurrent.CompletionStage;

/**
 * A response body produced a chunk at a time (a CSV export of a long range), so it never has to be in memory whole.
 * The server asks for the next chunk only after the previous one was written to the socket: a slow reader slows the
 * producer down instead of letting chunks pile up.
 */
@FunctionalInterface
public interface ChunkSource {
    /**
     * The next chunk of the body; an empty array ends it. A failed stage ends the response by closing the connection
     * (its status and headers are already sent, so the client sees a truncated body, never a complete-looking one).
     */
    CompletionStage<byte[]> next();
}
