package dev.herald.channel.smtp;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

final class TransportPoolTest {
    private final TransportPool pool = new TransportPool(2, () -> new PooledTransport(() -> {
        throw new AssertionError("the pool itself never connects");
    }, Clock.systemUTC(), Duration.ofSeconds(10)));

    @Test
    void lendsAtMostItsSizeAndHandsReturnsToWaitersInOrder() throws Exception {
        PooledTransport a = pool.borrow().get();
        PooledTransport b = pool.borrow().get();
        CompletableFuture<PooledTransport> third = pool.borrow();
        CompletableFuture<PooledTransport> fourth = pool.borrow();
        assertFalse(third.isDone());

        pool.release(b);
        assertSame(b, third.getNow(null));
        assertFalse(fourth.isDone());
        pool.release(a);
        assertSame(a, fourth.getNow(null));
    }

    @Test
    void lendsTheMostRecentlyReturnedTransportFirst() throws Exception {
        PooledTransport a = pool.borrow().get();
        PooledTransport b = pool.borrow().get();
        pool.release(a);
        pool.release(b);
        assertSame(b, pool.borrow().get());
    }

    @Test
    void closingFailsWaitersAndCompletesOnceLentTransportsAreBack() throws Exception {
        PooledTransport a = pool.borrow().get();
        PooledTransport b = pool.borrow().get();
        CompletableFuture<PooledTransport> waiter = pool.borrow();

        CompletableFuture<Void> drained = pool.close();

        var e = assertThrows(ExecutionException.class, waiter::get);
        assertInstanceOf(IllegalStateException.class, e.getCause());
        assertInstanceOf(IllegalStateException.class, assertThrows(ExecutionException.class,
                () -> pool.borrow().get()).getCause());
        pool.release(a);
        assertFalse(drained.isDone());
        pool.release(b);
        assertTrue(drained.isDone());
    }
}
