package dev.herald.gateway.template;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.jspecify.annotations.Nullable;

/**
 * Hands jobs to a shared executor with at most {@code cap} of one workspace's jobs there at once; the rest wait in
 * that workspace's own queue, in order. A workspace that floods the render threads with slow templates thus
 * always leaves a thread for the others. Thread-safe.
 */
final class PerWorkspaceCap {
    /** A job, told when it can no longer run (the executor shut down). */
    interface Job extends Runnable {
        void rejected(RejectedExecutionException e);
    }

    private final Executor executor;
    private final int cap;
    private final Map<String, Lane> lanes = new HashMap<>(); // guarded by this

    private static final class Lane {
        int handedOver;
        final Queue<Job> waiting = new ArrayDeque<>();
    }

    PerWorkspaceCap(Executor executor, int cap) {
        this.executor = executor;
        this.cap = cap;
    }

    /** Runs {@code job} now if its workspace has fewer than the cap running or queued, else after them. */
    void execute(String workspace, Job job) {
        synchronized (this) {
            Lane lane = lanes.computeIfAbsent(workspace, w -> new Lane());
            if (lane.handedOver >= cap) {
                lane.waiting.add(job);
                return;
            }
            lane.handedOver++;
        }
        handOver(workspace, job);
    }

    private void handOver(String workspace, Job first) {
        @Nullable Job job = first;
        while (job != null) {
            Job handed = job;
            try {
                executor.execute(() -> {
                    try {
                        handed.run();
                    } finally {
                        @Nullable Job next = next(workspace);
                        if (next != null) {
                            handOver(workspace, next);
                        }
                    }
                });
                return;
            } catch (RejectedExecutionException e) {
                handed.rejected(e);
                job = next(workspace); // the ones waiting behind it cannot run either
            }
        }
    }

    /** The workspace's next waiting job, taking over the finished one's place; or none, and the place is free. */
    private synchronized @Nullable Job next(String workspace) {
        Lane lane = lanes.get(workspace);
        @Nullable Job next = lane.waiting.poll();
        if (next == null && --lane.handedOver == 0) {
            lanes.remove(workspace);
        }
        return next;
    }
}
