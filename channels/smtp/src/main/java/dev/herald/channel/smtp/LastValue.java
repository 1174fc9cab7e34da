package dev.herald.channel.smtp;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * The last value computed from a key, kept for the next call with an equal key: a send to many users composes the
 * same body for each of them (unless it is personalised), so what is derived from the body alone (its transfer
 * encoding, its text alternative) is worked out once. Thread-safe; a race only computes a value twice.
 */
final class LastValue<K, V> {
    private record Entry<K, V>(K key, V value) {
    }

    private final AtomicReference<Entry<K, V>> last = new AtomicReference<>();

    /** The value for {@code key}: the last one computed if that was for an equal key, else {@code compute}'s. */
    V get(K key, Function<K, V> compute) {
        Entry<K, V> e = last.get();
        if (e != null && e.key().equals(key)) {
            return e.value();
        }
        V value = compute.apply(key);
        last.set(new Entry<>(key, value));
        return value;
    }
}
