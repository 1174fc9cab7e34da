package dev.herald.gateway.store.sqlite;

import dev.herald.gateway.store.Deliveries.LookupColumn;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

/**
 * The operator console's lookups of deliveries by recipient and by address, kept beside the journal in a file of
 * their own ({@code <journal>-lookup}) by a thread of their own.
 *
 * <p>Why not two indexes in the journal: every delivery went into each at a random place, on the single writer
 * thread that every accept, claim and outcome waits for. Under the push benchmark that was about a third of the
 * writer's time while the second core idled. Here the same entries are written on that second core, in batches
 * sorted by key, and the writer only appends rows.
 *
 * <p>The file is derived from the journal and never the only copy of anything: its entries are (key, delivery row
 * number) pairs, the key a digest of workspace, column and value ({@link LookupKeys}), and {@code indexed_through}
 * names the last delivery row it has reached. A lookup ({@link SqliteDialect#latestDeliveries}) reads the rows the
 * entries point at and keeps those that still match, plus the rows after {@code indexed_through} read straight from
 * the journal, so it never misses a committed delivery however far behind the thread is, and an entry left by a
 * scrubbed or purged delivery is passed over. Deleting the file rebuilds it; a journal older than the file (a restored
 * backup) starts it again from nothing.
 */
final class SqliteLookupIndex implements AutoCloseable {
    /** The name journal connections attach the file under. */
    static final String SCHEMA = "lookup";
    private static final Logger logger = LoggerFactory.getLogger(SqliteLookupIndex.class);
    /** Deliveries read from the journal per batch (two entries each). */
    private static final int BATCH = 4096;
    /** How long the thread waits when it has caught up: a lookup reads what it has not reached from the journal. */
    private static final long IDLE_MILLIS = 200;
    private static final long RETRY_MILLIS = 1000;
    private static final long PRUNE_EVERY_NANOS = TimeUnit.MINUTES.toNanos(10);
    private static final int PRUNE_CHUNK = 20_000;
    private static final int CACHE_KIB = 4 * 1024;

    private final Path journal;
    private final Path file;
    private final Thread thread;
    private volatile boolean closing;
    private volatile long indexedThrough;
    /** Whether the last attempt failed: read and written by the thread only. */
    private boolean failing;

    private SqliteLookupIndex(Path journal, Path file) {
        this.journal = journal;
        this.file = file;
        this.thread = Thread.ofPlatform().daemon(true).name("herald-store-lookup-index").unstarted(this::run);
    }

    /** The side file of a journal. */
    static Path pathFor(Path journal) {
        return journal.resolveSibling(journal.getFileName() + "-lookup");
    }

    /**
     * Creates the side file's tables if they are missing, so journal connections can attach it; {@link #start} starts
     * the thread that keeps it, once the journal is migrated.
     */
    static SqliteLookupIndex create(Path journal) throws SQLException {
        Path file = pathFor(journal);
        try (Connection c = connect(file)) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS lookup_entry (key INTEGER NOT NULL, delivery INTEGER NOT NULL, "
                        + "PRIMARY KEY (key, delivery)) WITHOUT ROWID");
                // Purged deliveries' entries are dropped by row number; deliveries only grow, so this one appends.
                s.execute("CREATE INDEX IF NOT EXISTS lookup_entry_delivery ON lookup_entry (delivery)");
                // through_id: the delivery id at indexed_through, to notice the journal reusing that row number.
                s.execute("CREATE TABLE IF NOT EXISTS lookup_progress (id INTEGER PRIMARY KEY CHECK (id = 1), "
                        + "indexed_through INTEGER NOT NULL, through_id TEXT NOT NULL)");
                s.execute("INSERT OR IGNORE INTO lookup_progress (id, indexed_through, through_id) VALUES (1, 0, '')");
            }
        }
        return new SqliteLookupIndex(journal, file);
    }

    void start() {
        thread.start();
    }

    /** Attaches the side file to a journal connection as {@value #SCHEMA}, for lookups. */
    static void attach(Connection journalConnection, Path journal) throws SQLException {
        try (PreparedStatement ps = journalConnection.prepareStatement("ATTACH DATABASE ? AS " + SCHEMA)) {
            ps.setString(1, pathFor(journal).toString());
            ps.execute();
        }
    }

    /** The last delivery row number the file has reached (for tests and the console's view of the store). */
    long indexedThrough() {
        return indexedThrough;
    }

    /**
     * A connection to the side file: WAL with {@code synchronous=NORMAL}, since nothing in it is the only copy; a
     * crash may undo its last batches, which the thread then writes again.
     */
    private static Connection connect(Path file) throws SQLException {
        SQLiteConfig cfg = new SQLiteConfig();
        cfg.setJournalMode(SQLiteConfig.JournalMode.WAL);
        cfg.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
        cfg.setBusyTimeout(10_000);
        cfg.setCacheSize(-CACHE_KIB);
        cfg.setGetGeneratedKeys(false);
        return cfg.createConnection("jdbc:sqlite:" + file);
    }

    private static Connection readJournal(Path journal) throws SQLException {
        SQLiteConfig cfg = new SQLiteConfig();
        cfg.setBusyTimeout(10_000);
        cfg.setCacheSize(-1024);
        Connection c = cfg.createConnection("jdbc:sqlite:" + journal);
        try (Statement s = c.createStatement()) {
            s.execute("PRAGMA query_only = 1");
        }
        c.setAutoCommit(false);
        return c;
    }

    private void run() {
        while (!closing) {
            try (Connection source = readJournal(journal); Connection side = connect(file)) {
                side.setAutoCommit(false);
                follow(source, side);
            } catch (SQLException | RuntimeException e) {
                if (closing) {
                    return;
                }
                if (!failing) { // once per streak (a full disk fails every retry): lookups stay exact meanwhile
                    logger.warn("store: the lookup index {} could not be written, retrying every second; lookups "
                            + "read the journal meanwhile: {}", file, e.toString());
                    failing = true;
                }
                pause(RETRY_MILLIS);
            }
        }
    }

    private void follow(Connection source, Connection side) throws SQLException {
        Progress at = startingPoint(source, side);
        long lastPrune = System.nanoTime() - PRUNE_EVERY_NANOS;
        try (PreparedStatement next = source.prepareStatement("SELECT rowid, workspace, recipient, address, id "
                + "FROM delivery WHERE rowid > ? ORDER BY rowid LIMIT " + BATCH);
             PreparedStatement still = source.prepareStatement("SELECT id FROM delivery WHERE rowid = ?");
             PreparedStatement insert = side.prepareStatement("INSERT OR IGNORE INTO lookup_entry (key, delivery) "
                     + "VALUES (?, ?)");
             PreparedStatement progress = side.prepareStatement("UPDATE lookup_progress SET indexed_through = ?, "
                     + "through_id = ?")) {
            while (!closing) {
                long[] keys = new long[BATCH * 2];
                long[] rows = new long[BATCH * 2];
                int n = 0;
                Progress reached = at;
                try {
                    if (!at.stillIn(still)) {
                        at = rebuild(side, "its newest delivery (row " + at.through() + ") was purged");
                        continue;
                    }
                    next.setLong(1, at.through());
                    try (ResultSet rs = next.executeQuery()) {
                        while (rs.next()) {
                            long row = rs.getLong(1);
                            String workspace = rs.getString(2);
                            keys[n] = LookupKeys.of(LookupColumn.RECIPIENT, workspace, rs.getString(3));
                            rows[n++] = row;
                            String address = rs.getString(4);
                            if (!address.isEmpty()) { // a delivery that had nowhere to go
                                keys[n] = LookupKeys.of(LookupColumn.ADDRESS, workspace, address);
                                rows[n++] = row;
                            }
                            reached = new Progress(row, rs.getString(5));
                        }
                    }
                } finally {
                    source.rollback(); // ends the read, so the journal's checkpoints are not held back
                }
                if (reached != at) {
                    write(side, insert, progress, keys, rows, n, reached);
                    at = reached;
                    indexedThrough = reached.through();
                    if (failing) {
                        logger.info("store: the lookup index {} is written again", file);
                        failing = false;
                    }
                }
                if (System.nanoTime() - lastPrune >= PRUNE_EVERY_NANOS) {
                    prune(source, side);
                    lastPrune = System.nanoTime();
                }
                if (n < BATCH) {
                    pause(IDLE_MILLIS);
                }
            }
        }
    }

    /** Entries in key order: neighbouring inserts then touch neighbouring pages of the side file's B-tree. */
    private static void write(Connection side, PreparedStatement insert, PreparedStatement progress, long[] keys,
                              long[] rows, int n, Progress through) throws SQLException {
        Integer[] order = new Integer[n];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, (a, b) -> keys[a] != keys[b] ? Long.compare(keys[a], keys[b]) : Long.compare(rows[a], rows[b]));
        try {
            for (int i : order) {
                insert.setLong(1, keys[i]);
                insert.setLong(2, rows[i]);
                insert.executeUpdate();
            }
            progress.setLong(1, through.through());
            progress.setString(2, through.id());
            progress.executeUpdate();
            side.commit();
        } catch (SQLException | RuntimeException e) {
            side.rollback();
            throw e;
        }
    }

    /**
     * The last delivery indexed: its row number and id. SQLite gives a new row the largest row number plus one, so once
     * the newest delivery is purged (an idle journal past its retention) the next one may get that number again; the id
     * there then differs or is gone, and the index starts again from nothing (the journal is nearly empty by then).
     */
    private record Progress(long through, String id) {
        boolean stillIn(PreparedStatement still) throws SQLException {
            if (through == 0) {
                return true;
            }
            still.setLong(1, through);
            try (ResultSet rs = still.executeQuery()) {
                return rs.next() && rs.getString(1).equals(id);
            }
        }
    }

    /**
     * Where the thread resumes: {@code indexed_through}, unless the delivery there is not the one indexed (a journal
     * restored from an older backup, a new journal beside an old side file, a purged newest delivery): then the
     * entries point at other deliveries, and it starts again from nothing.
     */
    private Progress startingPoint(Connection source, Connection side) throws SQLException {
        Progress at;
        try (Statement s = side.createStatement();
             ResultSet rs = s.executeQuery("SELECT indexed_through, through_id FROM lookup_progress")) {
            at = rs.next() ? new Progress(rs.getLong(1), rs.getString(2)) : new Progress(0, "");
        }
        side.rollback();
        boolean same;
        try (PreparedStatement still = source.prepareStatement("SELECT id FROM delivery WHERE rowid = ?")) {
            same = at.stillIn(still);
        } finally {
            source.rollback();
        }
        if (!same) {
            at = rebuild(side, "the journal has another delivery at row " + at.through());
        }
        indexedThrough = at.through();
        return at;
    }

    private Progress rebuild(Connection side, String why) throws SQLException {
        logger.info("store: rebuilding the lookup index {}: {}", file, why);
        try (Statement s = side.createStatement()) {
            s.execute("DELETE FROM lookup_entry");
            s.execute("UPDATE lookup_progress SET indexed_through = 0, through_id = ''");
        }
        side.commit();
        indexedThrough = 0;
        return new Progress(0, "");
    }

    /** Drops the entries of purged deliveries: those before the journal's oldest row, in chunks. */
    private void prune(Connection source, Connection side) throws SQLException {
        long oldest = single(source, "SELECT COALESCE(MIN(rowid), 0) FROM delivery");
        source.rollback();
        try (PreparedStatement ps = side.prepareStatement("DELETE FROM lookup_entry WHERE (key, delivery) IN (SELECT "
                + "key, delivery FROM lookup_entry WHERE delivery < ? LIMIT " + PRUNE_CHUNK + ")")) {
            ps.setLong(1, oldest);
            int deleted;
            do {
                deleted = ps.executeUpdate();
                side.commit();
            } while (deleted == PRUNE_CHUNK && !closing);
        }
    }

    private static long single(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    private void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closing = true;
        }
    }

    @Override
    public void close() {
        closing = true;
        thread.interrupt();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
