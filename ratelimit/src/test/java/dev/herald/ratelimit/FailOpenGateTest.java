package dev.herald.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

final class FailOpenGateTest {
    private final FakeNanoTime time = new FakeNanoTime();
    private final RecordingLogger logger = new RecordingLogger();
    private final FailOpenGate gate = new FailOpenGate(logger, time, Duration.ofSeconds(1), 2);

    @Test
    void asksRedisWhileHealthy() {
        assertTrue(gate.askRedis());
        assertTrue(gate.askRedis());
        assertFalse(gate.degraded());
    }

    @Test
    void afterAFailureLetsOneProbeThroughPerBackOffWindow() {
        gate.redisFailed(new TimeoutException());

        assertFalse(gate.askRedis());
        time.advance(Duration.ofMillis(999));
        assertFalse(gate.askRedis());
        time.advance(Duration.ofMillis(1));
        assertTrue(gate.askRedis(), "the probe");
        assertFalse(gate.askRedis(), "everyone else stays local while the probe is out");

        gate.redisAnswered();

        assertFalse(gate.degraded());
        assertTrue(gate.askRedis());
    }

    @Test
    void logsFailuresAtMostOncePerMinuteOfTheInjectedClock() {
        IntStream.range(0, 100).forEach(i -> {
            gate.redisFailed(new CompletionException(new IllegalStateException("connection refused")));
            time.advance(Duration.ofMillis(500));
        });

        assertEquals(1, logger.lines.size());
        assertEquals("WARN Redis rate-limit store failed (IllegalStateException: connection refused); deciding "
                + "locally with each limit ÷ 2 node(s), asking Redis again after 1000 ms; local decisions so far: 1",
                logger.lines.getFirst());

        time.advance(Duration.ofSeconds(10));
        gate.redisFailed(new TimeoutException());

        assertEquals(2, logger.lines.size());
        assertTrue(logger.lines.get(1).contains("(no answer within the request timeout)"), logger.lines.get(1));
    }

    @Test
    void logsTheRecoveryOnceAndCountsFailOpens() {
        gate.redisFailed(new TimeoutException());
        gate.countFailOpen();
        gate.countFailOpen();

        gate.redisAnswered();
        gate.redisAnswered();

        assertEquals(2, gate.failOpenCount());
        assertEquals(2, logger.lines.size());
        assertTrue(logger.lines.get(1).startsWith("INFO Redis answers rate-limit requests again"), logger.lines.get(1));
    }
}
