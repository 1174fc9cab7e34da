package dev.herald.gateway.store.sqlite;

import dev.herald.gateway.store.Deliveries.LookupColumn;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The keys of the side lookup index: the first 64 bits of SHA-256 over the column, the workspace and the value. The
 * index holds these, never the address or recipient itself, so what {@code /users/delete} scrubs from the journal does
 * not stay readable beside it; a lookup reads the journal rows a key points at and keeps those that still match, so
 * a collision costs a row read, never a wrong answer. Persisted: the function never changes.
 */
final class LookupKeys {
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    });

    private LookupKeys() {
    }

    static long of(LookupColumn column, String workspace, String value) {
        return of(column, workspace.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8));
    }

    /** The same key from the values' UTF-8 bytes, as the journal stores them (the index's thread reads those). */
    static long of(LookupColumn column, byte[] workspace, byte[] value) {
        MessageDigest d = SHA256.get();
        d.update(column.columnName().getBytes(StandardCharsets.UTF_8));
        d.update((byte) 0);
        d.update(workspace);
        d.update((byte) 0);
        return ByteBuffer.wrap(d.digest(value)).getLong();
    }
}
