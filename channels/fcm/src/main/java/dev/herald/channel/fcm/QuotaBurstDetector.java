package dev.herald.channel.fcm;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Tells a project-wide FCM quota breach from a per-device one. FCM answers {@code QUOTA_EXCEEDED} both when
 * one device gets too many messages (240 a minute, 5,000 an hour) and when the whole project is over its
 * quota; only the second should pause every delivery on the credential. A burst is {@code distinctTokens}
 * different tokens refused within {@code window}: one hot device refused again and again never makes one.
 *
 * <p>Once a burst is reported the window starts empty again, so a burst produces one {@code Throttled}, not a
 * cascade of them. Thread-safe; time comes from the injected clock.
 */
final class QuotaBurstDetector {
    private record Refusal(Instant at, String token) {
    }

    private final int distinctTokens;
    private final Duration window;
    private final Clock clock;
    private final Deque<Refusal> refusals = new ArrayDeque<>();
    private final Map<String, Integer> perToken = new HashMap<>();

    QuotaBurstDetector(int distinctTokens, Duration window, Clock clock) {
        if (distinctTokens < 1) {
            throw new IllegalArgumentException("distinctTokens must be at least 1, was " + distinctTokens);
        }
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("window must be positive, was " + window);
        }
        this.distinctTokens = distinctTokens;
        this.window = window;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Records one refusal for {@code token}; true when it completes a project-wide burst. */
    synchronized boolean refusedAndIsBurst(String token) {
        Instant now = clock.instant();
        Instant oldest = now.minus(window);
        while (!refusals.isEmpty() && !refusals.peekFirst().at().isAfter(oldest)) {
            perToken.computeIfPresent(refusals.pollFirst().token(), (t, n) -> n == 1 ? null : n - 1);
        }
        refusals.addLast(new Refusal(now, token));
        perToken.merge(token, 1, Integer::sum);
        if (perToken.size() < distinctTokens) {
            return false;
        }
        refusals.clear();
        perToken.clear();
        return true;
    }

    /** How many distinct tokens make a burst. */
    int distinctTokens() {
        return distinctTokens;
    }

    /** The window a burst must fit in. */
    Duration window() {
        return window;
    }
}
