package dev.herald.channel.support;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * The last value computed from a key, kept for the next call with an equal key.
 *
 * <p>A send to many users gives a channel an equal message body for each of them (unless it is personalised), and
 * their deliveries are claimed and sent together; so what a sender derives from the body alone (an APNs payload,
 * an email's transfer encoding) is worked out once per send with one entry, not a cache: nothing to size, evict
 * or leak. Keys are compared with {@code equals}: each delivery's message is a new object. Thread-safe; a race
 * only computes a value twice.
 *
 * @param <K> what the value is derived from (a record, a string: anything with value equality)
 * @param <V> the derived value
 */
public final class LastValue<K, V> {
    private record Entry<K, V>(K key, V value) {
    }

    private final AtomicReference<Entry<K, V>> last = new AtomicReference<>();

    /** The value for {@code key}: the last one computed if that was for an equal key, else {@code compute}'s. */
    public V get(K key, Function<? super K, ? extends V> compute) {
        Entry<K, V> e = last.get();
        if (e != null && e.key().equals(key)) {
            return e.value();
        }
        V value = compute.apply(key);
        last.set(new Entry<>(key, value));
        return value;
    }
}
