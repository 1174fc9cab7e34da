package dev.herald.channel.apns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The non-blocking permit queue on its own. */
final class InFlightLimiterTest {

    @Test
    void queuesBeyondThePermitsAndStartsWaitingTasksInOrderAsPermitsReturn() {
        var limiter = new InFlightLimiter(2, 10);
        List<Integer> started = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            int n = i;
            assertTrue(limiter.submit(() -> started.add(n)));
        }
        assertEquals(List.of(0, 1), started);
        assertEquals(3, limiter.waiting());
        limiter.release();
        assertEquals(List.of(0, 1, 2), started);
        limiter.release();
        limiter.release();
        assertEquals(List.of(0, 1, 2, 3, 4), started);
        assertEquals(0, limiter.waiting());
    }

    @Test
    void refusesWhenTheQueueIsFullWithoutRunningTheTask() {
        var limiter = new InFlightLimiter(1, 1);
        assertTrue(limiter.submit(() -> { }));
        assertTrue(limiter.submit(() -> { }));
        var ran = new boolean[1];
        assertFalse(limiter.submit(() -> ran[0] = true));
        assertFalse(ran[0]);
        assertEquals(1, limiter.waiting());
    }

    @Test
    void tasksThatFinishSynchronouslyDoNotRecurse() {
        // A send that fails at once releases its permit inside run(); 100k of them must not overflow the stack.
        int count = 100_000;
        var limiter = new InFlightLimiter(1, count);
        List<Integer> order = new ArrayList<>();
        assertTrue(limiter.submit(() -> { })); // holds the only permit
        for (int i = 0; i < count; i++) {
            int n = i;
            assertTrue(limiter.submit(() -> {
                order.add(n);
                limiter.release();
            }));
        }
        limiter.release();
        assertEquals(IntStream.range(0, count).boxed().toList(), order);
        assertEquals(0, limiter.waiting());
        var last = new boolean[1];
        assertTrue(limiter.submit(() -> last[0] = true));
        assertTrue(last[0], "the permit came back");
    }
}
