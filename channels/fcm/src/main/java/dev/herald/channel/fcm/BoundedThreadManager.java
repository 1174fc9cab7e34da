package dev.herald.channel.fcm;

import com.google.firebase.FirebaseApp;
import com.google.firebase.ThreadManager;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The Firebase app's executor: {@code threads} platform threads and a queue of {@code queueCapacity} waiting
 * sends, rejecting anything beyond (Firebase's default is 100 threads shared by every app with an unbounded
 * queue).
 *
 * <p>A bounded pool rather than a semaphore: {@code FirebaseMessaging.sendAsync} runs the whole blocking HTTP
 * exchange, including the SDK's own 503 back-off sleeps, on this executor, so its thread count <em>is</em> the
 * number of requests in flight. A semaphore in front would still need this pool to be bounded, and would need
 * a queue of its own to avoid blocking the caller. A full queue rejects at once, so {@code send} never blocks.
 */
final class BoundedThreadManager extends ThreadManager {
    private final ThreadPoolExecutor pool;
    private final ThreadFactory threadFactory;

    BoundedThreadManager(String namePrefix, int threads, int queueCapacity) {
        this.threadFactory = Thread.ofPlatform().daemon(true).name(namePrefix + "-", 1).factory();
        this.pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(queueCapacity), threadFactory, new ThreadPoolExecutor.AbortPolicy());
        pool.allowCoreThreadTimeOut(true);
    }

    @Override
    protected ExecutorService getExecutor(FirebaseApp app) {
        return pool;
    }

    /** Called by {@code FirebaseApp.delete()}: no new sends; running and queued ones go on. */
    @Override
    protected void releaseExecutor(FirebaseApp app, ExecutorService executor) {
        pool.shutdown();
    }

    @Override
    protected ThreadFactory getThreadFactory() {
        return threadFactory;
    }

    /** Waits up to {@code timeout} for running and queued sends to finish; true if they all did. */
    boolean awaitTermination(Duration timeout) {
        pool.shutdown();
        try {
            return pool.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Drops queued sends and interrupts running ones. */
    void shutdownNow() {
        pool.shutdownNow();
    }

    /** The pool's size: how many sends may run at once. */
    int threads() {
        return pool.getMaximumPoolSize();
    }

    /** Sends running now. */
    int active() {
        return pool.getActiveCount();
    }

    /** Sends waiting for a thread. */
    int queued() {
        return pool.getQueue().size();
    }
}
