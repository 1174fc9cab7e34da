package dev.herald.gateway.store.sqlite;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies the write-ahead log into the database file on a thread of its own, so the single writer only appends to
 * the log and fsyncs it. Left to SQLite, the commit that fills the log past its limit runs the checkpoint itself:
 * it copies every page and fsyncs the database file while every write waits behind it (a stall of tens of
 * milliseconds every few seconds under load). Here the writer's connection never checkpoints
 * ({@code wal_autocheckpoint=0}); this thread runs a {@code PASSIVE} checkpoint, which never blocks the writer,
 * every {@value #INTERVAL_MILLIS} ms while anything was committed, or sooner once the writer has made
 * {@code commitsPerCheckpoint} commits. When a checkpoint has copied everything, the writer's next commit starts the
 * log from its beginning again, so the file stays its size.
 */
final class Checkpointer implements AutoCloseable {
    private static final Logger logger = LoggerFactory.getLogger(Checkpointer.class);
    private static final long INTERVAL_MILLIS = 500;

    private final Connection connection;
    private final Thread thread;
    /** Commits since the last checkpoint. */
    private final AtomicLong commits = new AtomicLong();
    private final long commitsPerCheckpoint;
    private volatile boolean running = true;

    /**
     * @param connection           its own connection to the journal (autocommit on)
     * @param commitsPerCheckpoint how many commits make a checkpoint due (the writer's commits are batches of
     *                             several pages each)
     */
    Checkpointer(Connection connection, long commitsPerCheckpoint) {
        this.connection = connection;
        this.commitsPerCheckpoint = commitsPerCheckpoint;
        this.thread = Thread.ofPlatform().daemon(true).name("herald-store-checkpointer").unstarted(this::run);
        this.thread.start();
    }

    /** The writer committed: a checkpoint may be due. */
    void committed() {
        if (commits.incrementAndGet() == commitsPerCheckpoint) {
            LockSupport.unpark(thread);
        }
    }

    private void run() {
        while (running) {
            LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(INTERVAL_MILLIS));
            if (!running) {
                return;
            }
            if (commits.getAndSet(0) > 0) {
                checkpoint();
            }
        }
    }

    private void checkpoint() {
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("PRAGMA wal_checkpoint(PASSIVE)")) {
            if (rs.next() && rs.getInt(1) != 0) {
                logger.debug("store checkpoint was busy; {} of {} log pages copied", rs.getInt(3), rs.getInt(2));
            }
        } catch (SQLException e) {
            logger.warn("store checkpoint failed; the next one tries again: {}", e.toString());
        }
    }

    /** Stops the thread; the store's own close runs the last, truncating checkpoint. */
    @Override
    public void close() {
        running = false;
        LockSupport.unpark(thread);
        try {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            connection.close();
        } catch (SQLException ignored) {
            // closing: nothing more to do
        }
    }
}
