package dev.herald.gateway.store.sqlite;

import dev.herald.gateway.store.Deliveries.LookupColumn;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
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
 * names the last delivery row it has reached. A lookup ({@link SqliteDialect#latestDeliveries}) follows the entries
 * to the journal rows that still match, and reads the rows after {@code indexed_through} straight from the journal,
 * so it never misses a committed delivery however far behind the thread is. Entries of a deleted user's deliveries
 * are removed once the thread reads the journal's {@code lookup_scrub} log (written with the scrub, in its
 * transaction); entries of purged deliveries are found by walking the file's row numbers a chunk at a time while
 * the thread is idle. Deleting the file (Herald stopped) rebuilds it; a journal that is not the one it indexed
 * starts it again from nothing.
 */
final class SqliteLookupIndex implements AutoCloseable {
    /** The name journal read connections attach the file under. */
    static final String SCHEMA = "lookup";
    /** The journal's log of deliveries whose addresses were scrubbed ({@code /users/delete}), in order. */
    static final String SCRUB_LOG = "CREATE TABLE IF NOT EXISTS lookup_scrub (seq INTEGER PRIMARY KEY AUTOINCREMENT, "
            + "delivery INTEGER NOT NULL)";
    private static final Logger logger = LoggerFactory.getLogger(SqliteLookupIndex.class);
    /**
     * Deliveries read from the journal per batch at most (two entries each). The keys are digests, so a batch's
     * entries land all over the file's B-tree: written in key order, each page is read and written once per batch
     * however many of the batch's entries it takes. The larger the batch, the fewer page writes per entry.
     */
    private static final int BATCH = 32_768;
    /** A batch at least this large means deliveries are arriving fast: the thread then waits longer between batches. */
    private static final int BUSY = 1024;
    /** Row numbers checked for purged deliveries per idle turn. */
    private static final int PRUNE_CHUNK = 1000;
    /** How long the thread waits when it has caught up: a lookup reads what it has not reached from the journal. */
    private static final long IDLE_MILLIS = 200;
    /**
     * How long it waits after a large batch: under load (the push benchmark) a batch then gathers a second's deliveries,
     * several times fewer page writes per entry than one gathered in 200 ms; lookups read the second from the journal.
     */
    private static final long BUSY_IDLE_MILLIS = 1000;
    private static final long RETRY_MILLIS = 1000;
    private static final int CACHE_KIB = 4 * 1024;

    private final Path journal;
    private final Path file;
    private final Thread thread;
    private volatile boolean closing;
    private volatile long indexedThrough;
    private volatile long scrubbedThrough;
    /** Whether the last attempt failed: read and written by the thread only. */
    private boolean failing;
    /** Where the walk for purged deliveries' entries goes on: thread only. */
    private long pruneCursor;

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
     * Creates the side file's tables if they are missing, so journal read connections can attach it; {@link #start}
     * starts the thread that keeps it, once the journal is migrated. A side file that cannot be read (damaged, or not
     * a database) is deleted and made again: it only ever holds what the journal can give back.
     */
    static SqliteLookupIndex create(Path journal) throws SQLException {
        Path file = pathFor(journal);
        try {
            createTables(file);
        } catch (SQLException unreadable) {
            logger.warn("store: the lookup index {} cannot be read ({}); making it again from the journal", file,
                    unreadable.toString());
            for (String suffix : List.of("", "-wal", "-shm")) {
                try {
                    Files.deleteIfExists(Path.of(file + suffix));
                } catch (java.io.IOException e) {
                    throw new SQLException("cannot delete the unreadable lookup index " + file + suffix, e);
                }
            }
            createTables(file);
        }
        return new SqliteLookupIndex(journal, file);
    }

    private static void createTables(Path file) throws SQLException {
        try (Connection c = connect(file); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS lookup_entry (key INTEGER NOT NULL, delivery INTEGER NOT NULL, "
                    + "PRIMARY KEY (key, delivery)) WITHOUT ROWID");
            // Scrubbed and purged deliveries' entries are found by row number.
            s.execute("CREATE INDEX IF NOT EXISTS lookup_entry_delivery ON lookup_entry (delivery)");
            // through_id: the delivery id at indexed_through, to notice the journal reusing that row number;
            // scrubbed_through: the last entry of the journal's scrub log applied.
            s.execute("CREATE TABLE IF NOT EXISTS lookup_progress (id INTEGER PRIMARY KEY CHECK (id = 1), "
                    + "indexed_through INTEGER NOT NULL, through_id TEXT NOT NULL, scrubbed_through INTEGER NOT NULL)");
            s.execute("INSERT OR IGNORE INTO lookup_progress (id, indexed_through, through_id, scrubbed_through) "
                    + "VALUES (1, 0, '', 0)");
        }
    }

    void start() {
        thread.start();
    }

    /** Attaches the side file to a journal read connection as {@value #SCHEMA}, for lookups. */
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

    /** The last entry of the journal's scrub log whose deliveries' entries are gone from the file (for tests). */
    long scrubbedThrough() {
        return scrubbedThrough;
    }

    /**
     * A connection to the side file: WAL with {@code synchronous=NORMAL}, since nothing in it is the only copy (a
     * crash may undo its last batches, which the thread then writes again), and {@code secure_delete}, so a scrubbed
     * delivery's entries are overwritten, not only unlinked.
     */
    private static Connection connect(Path file) throws SQLException {
        SQLiteConfig cfg = new SQLiteConfig();
        cfg.setJournalMode(SQLiteConfig.JournalMode.WAL);
        cfg.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
        cfg.setBusyTimeout(10_000);
        cfg.setCacheSize(-CACHE_KIB);
        cfg.setPragma(SQLiteConfig.Pragma.SECURE_DELETE, "true");
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
        try (PreparedStatement next = source.prepareStatement("SELECT rowid, workspace, recipient, address "
                + "FROM delivery WHERE rowid > ? ORDER BY rowid LIMIT " + BATCH);
             PreparedStatement still = source.prepareStatement("SELECT id FROM delivery WHERE rowid = ?");
             PreparedStatement newest = source.prepareStatement("SELECT COALESCE(MAX(rowid), 0) FROM delivery");
             PreparedStatement insert = side.prepareStatement("INSERT OR IGNORE INTO lookup_entry (key, delivery) "
                     + "VALUES (?, ?)");
             PreparedStatement progress = side.prepareStatement("UPDATE lookup_progress SET indexed_through = ?, "
                     + "through_id = ?")) {
            long[] keys = new long[BATCH * 2];
            long[] rows = new long[BATCH * 2];
            while (!closing) {
                int n = 0; // entries
                int read = 0; // deliveries
                Progress reached = at;
                try {
                    if (!at.holds(still, newest)) {
                        at = rebuild(side, "the journal gave row " + at.through() + " to another delivery");
                        continue;
                    }
                    next.setLong(1, at.through());
                    long last = 0;
                    try (ResultSet rs = next.executeQuery()) {
                        // The values' bytes, digested as they are: no String, no driver buffer per column.
                        while (rs.next()) {
                            long row = rs.getLong(1);
                            read++;
                            byte[] workspace = rs.getBytes(2);
                            keys[n] = LookupKeys.of(LookupColumn.RECIPIENT, workspace, rs.getBytes(3));
                            rows[n++] = row;
                            byte[] address = rs.getBytes(4);
                            if (address.length > 0) { // empty: a delivery that had nowhere to go
                                keys[n] = LookupKeys.of(LookupColumn.ADDRESS, workspace, address);
                                rows[n++] = row;
                            }
                            last = row;
                        }
                    }
                    if (read > 0) { // the batch's last delivery id, read once, in the same read transaction
                        still.setLong(1, last);
                        try (ResultSet rs = still.executeQuery()) {
                            rs.next();
                            reached = new Progress(last, rs.getString(1));
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
                applyScrubs(source, side);
                if (read < BATCH) {
                    pruneChunk(source, side);
                    pause(read >= BUSY ? BUSY_IDLE_MILLIS : IDLE_MILLIS);
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
     * Removes the entries of deliveries the journal has scrubbed since the last call ({@code /users/delete}), so the
     * file no longer ties the person's address, as a digest, to their deliveries.
     */
    private void applyScrubs(Connection source, Connection side) throws SQLException {
        List<long[]> log = new ArrayList<>();
        try (PreparedStatement ps = source.prepareStatement("SELECT seq, delivery FROM lookup_scrub WHERE seq > ? "
                + "ORDER BY seq LIMIT " + BATCH)) {
            ps.setLong(1, scrubbedThrough);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    log.add(new long[] {rs.getLong(1), rs.getLong(2)});
                }
            }
        } finally {
            source.rollback();
        }
        if (log.isEmpty()) {
            return;
        }
        try (PreparedStatement delete = side.prepareStatement("DELETE FROM lookup_entry WHERE delivery = ?");
             PreparedStatement done = side.prepareStatement("UPDATE lookup_progress SET scrubbed_through = ?")) {
            for (long[] entry : log) {
                delete.setLong(1, entry[1]);
                delete.executeUpdate();
            }
            long last = log.getLast()[0];
            done.setLong(1, last);
            done.executeUpdate();
            side.commit();
            scrubbedThrough = last;
        } catch (SQLException | RuntimeException e) {
            side.rollback();
            throw e;
        }
    }

    /**
     * Checks the next {@value #PRUNE_CHUNK} row numbers the file has entries for against the journal and removes the
     * entries of deliveries that are gone (purged after {@code store.retention}); at the end, starts over. A purge
     * goes by age and state, not by row number, so the file is walked, not cut at the journal's oldest row.
     */
    private void pruneChunk(Connection source, Connection side) throws SQLException {
        List<Long> chunk = new ArrayList<>(PRUNE_CHUNK);
        try (PreparedStatement ps = side.prepareStatement("SELECT DISTINCT delivery FROM lookup_entry WHERE delivery > ? "
                + "ORDER BY delivery LIMIT " + PRUNE_CHUNK)) {
            ps.setLong(1, pruneCursor);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    chunk.add(rs.getLong(1));
                }
            }
        } finally {
            side.rollback();
        }
        if (chunk.isEmpty()) {
            pruneCursor = 0;
            return;
        }
        Set<Long> present = new HashSet<>();
        try (PreparedStatement ps = source.prepareStatement("SELECT rowid FROM delivery WHERE rowid BETWEEN ? AND ?")) {
            ps.setLong(1, chunk.getFirst());
            ps.setLong(2, chunk.getLast());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    present.add(rs.getLong(1));
                }
            }
        } finally {
            source.rollback();
        }
        try (PreparedStatement delete = side.prepareStatement("DELETE FROM lookup_entry WHERE delivery = ?")) {
            for (long row : chunk) {
                if (!present.contains(row)) {
                    delete.setLong(1, row);
                    delete.executeUpdate();
                }
            }
            side.commit();
        } catch (SQLException | RuntimeException e) {
            side.rollback();
            throw e;
        }
        pruneCursor = chunk.getLast();
    }

    /**
     * The last delivery indexed: its row number and id. SQLite gives a new row the largest row number plus one, so
     * once the newest delivery is purged (an idle journal past its retention) the next one may get that number again.
     */
    private record Progress(long through, String id) {
        /**
         * Whether the rows up to {@code through} are still the ones indexed: the delivery there is the same, or it is
         * gone (purged) while a later row exists, so its number cannot have been given out again. Otherwise the
         * entries may point at other deliveries and the index starts again.
         */
        boolean holds(PreparedStatement still, PreparedStatement newest) throws SQLException {
            if (through == 0) {
                return true;
            }
            still.setLong(1, through);
            try (ResultSet rs = still.executeQuery()) {
                if (rs.next()) {
                    return rs.getString(1).equals(id);
                }
            }
            try (ResultSet rs = newest.executeQuery()) {
                return rs.next() && rs.getLong(1) > through;
            }
        }
    }

    /**
     * Where the thread resumes: {@code indexed_through}, unless the journal there is not the one indexed (a journal
     * restored from an older backup, a new journal beside an old side file): then it starts again from nothing.
     */
    private Progress startingPoint(Connection source, Connection side) throws SQLException {
        Progress at;
        long scrubbed;
        try (Statement s = side.createStatement();
             ResultSet rs = s.executeQuery("SELECT indexed_through, through_id, scrubbed_through FROM lookup_progress")) {
            rs.next();
            at = new Progress(rs.getLong(1), rs.getString(2));
            scrubbed = rs.getLong(3);
        }
        side.rollback();
        boolean same;
        try (PreparedStatement still = source.prepareStatement("SELECT id FROM delivery WHERE rowid = ?");
             PreparedStatement newest = source.prepareStatement("SELECT COALESCE(MAX(rowid), 0) FROM delivery");
             PreparedStatement scrubLog = source.prepareStatement("SELECT COALESCE(MAX(seq), 0) FROM lookup_scrub");
             ResultSet rs = scrubLog.executeQuery()) {
            same = at.holds(still, newest) && rs.next() && rs.getLong(1) >= scrubbed;
        } finally {
            source.rollback();
        }
        if (!same) {
            return rebuild(side, "it indexed another journal");
        }
        indexedThrough = at.through();
        scrubbedThrough = scrubbed;
        return at;
    }

    private Progress rebuild(Connection side, String why) throws SQLException {
        logger.info("store: rebuilding the lookup index {}: {}", file, why);
        try (Statement s = side.createStatement()) {
            s.execute("DELETE FROM lookup_entry");
            s.execute("UPDATE lookup_progress SET indexed_through = 0, through_id = '', scrubbed_through = 0");
        }
        side.commit();
        indexedThrough = 0;
        scrubbedThrough = 0;
        pruneCursor = 0;
        return new Progress(0, "");
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
