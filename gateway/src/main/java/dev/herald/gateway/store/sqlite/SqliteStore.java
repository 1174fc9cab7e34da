package dev.herald.gateway.store.sqlite;

import dev.herald.config.StoreConfig;
import dev.herald.gateway.store.JdbcTx;
import dev.herald.gateway.store.ReadOnlyClaims;
import dev.herald.gateway.store.Sql;
import dev.herald.gateway.store.Store;
import dev.herald.gateway.store.StoreLockedException;
import dev.herald.gateway.store.StoreOverloadedException;
import dev.herald.gateway.store.StoreUnavailableException;
import dev.herald.gateway.store.UsageReports;
import dev.herald.gateway.store.UsageRow;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

/**
 * The embedded journal on SQLite (WAL, {@code synchronous=FULL}), the default engine.
 *
 * <p>Claims live in memory ({@link SqliteClaims}): one process owns the file, so a claim costs no fsync; the
 * journal keeps a claimed delivery {@code queued} until its outcome is written, and a crash simply leaves it due
 * again.
 *
 * <p>One writer thread owns every write. It takes whatever is queued (up to {@value #MAX_BATCH} writes,
 * never waiting to fill a batch), runs each in its own SAVEPOINT so one failure fails only its caller,
 * then commits once: one fsync for the whole batch. A failed commit fails every write of the batch, so no
 * caller is told "durable" for a write that is not. Reads run on a small pool of reader threads with their
 * own connections. An exclusive lock on {@code <path>.lock} keeps a second process off the same file.
 *
 * <p>A failed batch (a full disk: SQLite may roll the whole transaction back by itself on {@code SQLITE_FULL}, leaving
 * the driver's idea of the transaction and its prepared statements behind) resets the writer: its statements are
 * closed and its connection reopened, carrying the in-memory claims over, so the next batch starts clean. Until a
 * write commits again with room left for a typical write, the store reports {@link #writeProblem() why it cannot
 * write} (readiness answers 503); while it is idle in that state the writer probes every second (room for a typical
 * write, then a one-page commit), so it recovers by itself once space is back, without a restart.
 */
public final class SqliteStore implements Store {
    static final int MAX_BATCH = 256;
    private static final int READERS = 2;
    private static final int WRITER_CACHE_KIB = 16 * 1024;
    private static final int READER_CACHE_KIB = 4 * 1024;
    private static final Logger logger = LoggerFactory.getLogger(SqliteStore.class);
    private static final long PROBE_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** The room a probe asks for before it calls the store writable: a batch of ordinary writes, not one page. */
    private static final int PROBE_ROOM_BYTES = 64 * 1024;
    /**
     * The free space the journal's file system must have before a full journal is called writable again. In WAL mode
     * the probe's rolled-back pages may never reach the disk (they fit in the page cache), so the probe alone cannot
     * tell a full disk from a nearly full one: an accept with a 60 KB body failed on a disk where it succeeded.
     */
    private static final long MIN_FREE_BYTES = 1024 * 1024;

    /** Commits the writer's transaction; a seam so tests can make the fsync fail. */
    @FunctionalInterface
    interface Committer {
        void commit(Connection connection) throws SQLException;
    }

    /** Prepares each new write connection; a seam so tests can cap the file's size (a disk that fills up). */
    @FunctionalInterface
    interface WriteConnectionSetup {
        void prepare(Connection connection) throws SQLException;

        WriteConnectionSetup NONE = c -> { };
    }

    /** A claim of the writer's TEMP table, carried to a new connection. */
    private record HeldClaim(long delivery, String id, int attempt) {
    }

    private record PendingWrite<T>(Work<T> work, CompletableFuture<T> future, boolean ingress) {
    }

    private final Path path;
    private final int ingressCapacity;
    private final AtomicInteger ingressQueued = new AtomicInteger();
    private final LinkedBlockingQueue<PendingWrite<?>> queue = new LinkedBlockingQueue<>();
    private final WriteConnectionSetup setup;
    /** The writer thread's connection: replaced after a failed batch, read by {@link #close} once it has stopped. */
    private volatile Connection writeConnection;
    private volatile JdbcTx writeTx;
    /** Why writes fail now, or null while they commit. */
    private volatile String writeProblem;
    private long lastProbeNanos;
    private final String owner = UUID.randomUUID().toString();
    private final AtomicLong staleOutcomes = new AtomicLong();
    private final Committer committer;
    private final Thread writer;
    private final ExecutorService readers;
    /** Reads nothing waits on (the event stream's batches): a connection of their own, never ahead of a request's. */
    private final ExecutorService backgroundReader = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().daemon(true).name("herald-store-background-reader").factory());
    /** Completes committed writes' futures, so their callbacks never take the writer's time. */
    private final ExecutorService completer = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().daemon(true).name("herald-store-completer").factory());
    private final List<Connection> readConnections = new CopyOnWriteArrayList<>();
    private final ThreadLocal<JdbcTx> readTx;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final SqliteLookupIndex lookupIndex;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean closing;
    private final UsageReports usageReports = new UsageReports();

    private SqliteStore(Path path, int ingressCapacity, Connection writeConnection, Committer committer,
                        WriteConnectionSetup setup, FileChannel lockChannel, FileLock lock,
                        SqliteLookupIndex lookupIndex) {
        this.path = path;
        this.lookupIndex = lookupIndex;
        this.ingressCapacity = ingressCapacity;
        this.writeConnection = writeConnection;
        this.writeTx = writeTxOn(writeConnection);
        this.committer = committer;
        this.setup = setup;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.readers = Executors.newFixedThreadPool(READERS, Thread.ofPlatform().daemon(true)
                .name("herald-store-reader-", 1).factory());
        this.readTx = ThreadLocal.withInitial(this::openReader);
        this.writer = Thread.ofPlatform().daemon(true).name("herald-store-writer").unstarted(this::runWriter);
        this.writer.start();
    }

    /**
     * Opens (creating if needed) the store at {@code config.path()}.
     *
     * @throws StoreLockedException     if another process holds the store
     * @throws StoreUnavailableException if the file cannot be opened or migrated
     */
    public static SqliteStore open(StoreConfig config) {
        return open(config, Connection::commit);
    }

    static SqliteStore open(StoreConfig config, Committer committer) {
        return open(config, committer, WriteConnectionSetup.NONE);
    }

    static SqliteStore open(StoreConfig config, Committer committer, WriteConnectionSetup setup) {
        Path path = config.path().toAbsolutePath();
        FileChannel lockChannel = null;
        SqliteLookupIndex lookupIndex = null;
        try {
            Files.createDirectories(path.getParent());
            Path lockPath = Path.of(path + ".lock");
            lockChannel = FileChannel.open(lockPath, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = tryLock(lockChannel);
            if (lock == null) {
                lockChannel.close();
                throw new StoreLockedException("store " + path + " is in use by another Herald process (" + lockPath
                        + " is locked); stop that process or point store.path elsewhere");
            }
            lockChannel.truncate(0);
            lockChannel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n")
                    .getBytes(StandardCharsets.US_ASCII)));
            lookupIndex = SqliteLookupIndex.create(path);
            Connection writeConnection = connect(path, WRITER_CACHE_KIB);
            writeConnection.setAutoCommit(false);
            SqliteSchema.migrate(writeConnection);
            SqliteClaims.create(writeConnection);
            setup.prepare(writeConnection);
            lookupIndex.start();
            return new SqliteStore(path, config.queueCapacity(), writeConnection, committer, setup, lockChannel, lock,
                    lookupIndex);
        } catch (IOException | SQLException e) {
            closeQuietly(lookupIndex);
            closeQuietly(lockChannel);
            throw new StoreUnavailableException("cannot open store " + path + ": " + e.getMessage(), e);
        }
    }

    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException sameProcess) {
            return null;
        }
    }

    /**
     * A connection to the journal with a page cache of {@code cacheKib}: the writer's keeps the hot index pages
     * (it touches every table), a reader's is smaller (its lookups are point queries); each is native memory
     * outside the heap, so it counts against the container's limit.
     */
    private static Connection connect(Path path, int cacheKib) throws SQLException {
        SQLiteConfig cfg = new SQLiteConfig();
        cfg.setJournalMode(SQLiteConfig.JournalMode.WAL);
        cfg.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        cfg.setBusyTimeout(10_000);
        cfg.setTempStore(SQLiteConfig.TempStore.MEMORY);
        cfg.setCacheSize(-cacheKib); // negative: KiB, not pages
        cfg.setPragma(SQLiteConfig.Pragma.WAL_AUTOCHECKPOINT, "4000"); // fewer, larger checkpoints
        // Herald never asks for generated keys; left on, the driver prepares, runs and finalizes a
        // "SELECT last_insert_rowid()" after every INSERT (a tenth of the writer's time under load).
        cfg.setGetGeneratedKeys(false);
        return cfg.createConnection("jdbc:sqlite:" + path);
    }

    /** The last delivery row the console's side lookup index has reached. */
    long lookupIndexedThrough() {
        return lookupIndex.indexedThrough();
    }

    /** The last entry of the journal's scrub log the side lookup index has applied. */
    long lookupScrubbedThrough() {
        return lookupIndex.scrubbedThrough();
    }

    private JdbcTx writeTxOn(Connection c) {
        return new JdbcTx(new Sql(c, SqliteDialect.INSTANCE), tx -> new SqliteClaims(tx, owner, staleOutcomes));
    }

    /** Why the journal cannot take writes now (the disk is full, the file went away), if it cannot. */
    @Override
    public java.util.Optional<String> writeProblem() {
        return java.util.Optional.ofNullable(writeProblem);
    }

    private JdbcTx openReader() {
        try {
            Connection c = connect(path, READER_CACHE_KIB);
            // Readers only: the writer never reads the side index, and its commits stay those of one file.
            SqliteLookupIndex.attach(c, path);
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA query_only = 1");
            }
            c.setAutoCommit(false);
            readConnections.add(c);
            return new JdbcTx(new Sql(c, SqliteDialect.INSTANCE), tx -> new ReadOnlyClaims(staleOutcomes::get));
        } catch (SQLException e) {
            throw new StoreUnavailableException("cannot open a read connection to " + path, e);
        }
    }

    @Override
    public <T> CompletableFuture<T> writeIngress(Work<T> work) {
        if (ingressQueued.incrementAndGet() > ingressCapacity) {
            ingressQueued.decrementAndGet();
            return CompletableFuture.failedFuture(new StoreOverloadedException(ingressCapacity));
        }
        return enqueue(work, true);
    }

    @Override
    public <T> CompletableFuture<T> write(Work<T> work) {
        return enqueue(work, false);
    }

    private <T> CompletableFuture<T> enqueue(Work<T> work, boolean ingress) {
        CompletableFuture<T> future = new CompletableFuture<>();
        if (closing) {
            if (ingress) {
                ingressQueued.decrementAndGet();
            }
            future.completeExceptionally(new StoreUnavailableException("store is closed", null));
            return future;
        }
        queue.add(new PendingWrite<>(work, future, ingress));
        return future;
    }

    /** Writes waiting for the writer thread now (a gauge: a growing queue means the journal is the bottleneck). */
    @Override
    public int pendingWrites() {
        return queue.size();
    }

    @Override
    public long staleOutcomes() {
        return staleOutcomes.get();
    }

    @Override
    public <T> CompletableFuture<T> read(Work<T> work) {
        return readOn(work, readers);
    }

    @Override
    public <T> CompletableFuture<T> readInBackground(Work<T> work) {
        return readOn(work, backgroundReader);
    }

    private <T> CompletableFuture<T> readOn(Work<T> work, ExecutorService executor) {
        if (closing) {
            return CompletableFuture.failedFuture(new StoreUnavailableException("store is closed", null));
        }
        return CompletableFuture.supplyAsync(() -> {
            JdbcTx tx = readTx.get();
            try {
                return work.run(tx);
            } catch (SQLException e) {
                throw new CompletionException(e);
            } finally {
                try {
                    tx.sql().connection().rollback(); // ends the read transaction so WAL checkpoints can proceed
                } catch (SQLException ignored) {
                    // the next read starts a fresh transaction anyway
                }
            }
        }, executor);
    }

    private void runWriter() {
        List<PendingWrite<?>> batch = new ArrayList<>(MAX_BATCH);
        while (true) {
            PendingWrite<?> first;
            try {
                first = queue.poll(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                first = null;
            }
            if (first == null) {
                if (closing && queue.isEmpty()) {
                    return;
                }
                probeIfUnwritable();
                continue;
            }
            batch.add(first);
            queue.drainTo(batch, MAX_BATCH - 1);
            runBatch(batch);
            batch.clear();
        }
    }

    private void runBatch(List<PendingWrite<?>> batch) {
        int n = batch.size();
        List<UsageRow> usage;
        Object[] results = new Object[n];
        Throwable[] errors = new Throwable[n];
        try {
            for (int i = 0; i < n; i++) {
                PendingWrite<?> w = batch.get(i);
                if (w.ingress()) {
                    ingressQueued.decrementAndGet();
                }
                // Prepared once and reused: the JDBC Savepoint API re-parses its SQL on every call.
                writeTx.sql().prepare("SAVEPOINT w").execute();
                try {
                    results[i] = w.work().run(writeTx);
                    writeTx.sql().prepare("RELEASE w").execute();
                    writeTx.endWork(true);
                } catch (Exception | StackOverflowError e) {
                    errors[i] = e;
                    writeTx.endWork(false);
                    try {
                        writeTx.sql().prepare("ROLLBACK TO w").execute();
                        writeTx.sql().prepare("RELEASE w").execute();
                    } catch (SQLException gone) {
                        // SQLite rolled the whole transaction back by itself (SQLITE_FULL, IOERR): the batch is lost,
                        // and the reason is the work's failure, not the missing savepoint.
                        SQLException lost = new SQLException(e.getMessage(), e);
                        lost.addSuppressed(gone);
                        throw lost;
                    }
                }
            }
            usage = writeTx.writeHeld(); // the batch's usage counts, summed: one upsert per workspace, channel, hour
            committer.commit(writeConnection);
        } catch (SQLException | RuntimeException e) {
            writeTx.discardHeld();
            failBatch(batch, e);
            return;
        }
        writableIfRoom();
        usageReports.report(usage);
        List<PendingWrite<?>> done = List.copyOf(batch);
        completer.execute(() -> {
            for (int i = 0; i < n; i++) {
                complete(done.get(i), results[i], errors[i]);
            }
        });
    }

    @Override
    public void onUsage(Consumer<List<UsageRow>> sink) {
        usageReports.to(sink);
    }

    private void failBatch(List<PendingWrite<?>> batch, Exception cause) {
        logger.error("store commit failed; {} writes in the batch were not kept: {}", batch.size(), cause.toString());
        var failure = new StoreUnavailableException("the write could not be made durable: " + cause.getMessage(),
                cause);
        // The store says it cannot write before any caller hears of the failure: a caller that reacts to its refused
        // write by asking for readiness must not read the state from before.
        unwritable(cause);
        for (PendingWrite<?> w : batch) {
            w.future().completeExceptionally(failure);
        }
    }

    /** Marks the store unable to write and resets the writer's connection, so the next batch starts clean. */
    private void unwritable(Exception cause) {
        String problem = "the journal cannot write: " + cause.getMessage();
        if (writeProblem == null) {
            logger.error("store: {}; readiness reports 503 until a write commits again", problem);
        }
        writeProblem = problem;
        lastProbeNanos = System.nanoTime();
        resetWriteConnection();
    }

    private void writable() {
        if (writeProblem != null) {
            writeProblem = null;
            logger.info("store: writes commit again");
        }
    }

    /**
     * After a batch committed: if the store was unable to write, it is able again only if there is room for a typical
     * write too. A small batch (an outcome rewriting a page already allocated) can commit on a disk that refuses every
     * accept; readiness would flap to 200 while sends still get 503.
     */
    private void writableIfRoom() {
        if (writeProblem == null) {
            return;
        }
        try (Statement s = writeConnection.createStatement()) {
            askForRoom(s);
            writable();
        } catch (SQLException | RuntimeException e) {
            unwritable(e);
        }
    }

    /**
     * Asks for {@value #PROBE_ROOM_BYTES} bytes of new pages in a transaction it rolls back, so nothing stays (what a
     * cap on the file's pages refuses), after checking that the file system has {@value #MIN_FREE_BYTES} bytes free
     * (what a full disk refuses).
     */
    private void askForRoom(Statement s) throws SQLException {
        long free;
        try {
            free = Files.getFileStore(path.getParent()).getUsableSpace();
        } catch (IOException unknown) {
            free = Long.MAX_VALUE; // no evidence either way: the page probe below decides
        }
        if (free < MIN_FREE_BYTES) {
            throw new SQLException("[SQLITE_FULL] only " + free / 1024 + " KiB free on the journal's disk ("
                    + path.getParent() + "), waiting for " + MIN_FREE_BYTES / 1024 + " KiB");
        }
        s.execute("CREATE TABLE herald_room_probe (b BLOB)");
        s.execute("INSERT INTO herald_room_probe VALUES (zeroblob(" + PROBE_ROOM_BYTES + "))");
        writeConnection.rollback();
    }

    /**
     * Replaces the writer's connection. SQLite may already have rolled the transaction back (SQLITE_FULL, IOERR),
     * which the driver does not know: a rollback on the old connection then fails, and its cached statements may be
     * mid-step. The claims live in the connection's TEMP table, so they are copied over: dropping them would let a
     * delivery in flight be claimed and sent again. If the new connection cannot be opened the old one is kept and
     * the next batch or probe tries again.
     */
    private void resetWriteConnection() {
        Connection old = writeConnection;
        List<HeldClaim> claims = new ArrayList<>();
        try (Statement s = old.createStatement();
             var rs = s.executeQuery("SELECT delivery, id, attempt FROM temp.claimed")) {
            while (rs.next()) {
                claims.add(new HeldClaim(rs.getLong(1), rs.getString(2), rs.getInt(3)));
            }
        } catch (SQLException e) {
            logger.warn("store: the claims in flight could not be read before reconnecting: {}", e.toString());
        }
        Connection fresh;
        try {
            fresh = connect(path, WRITER_CACHE_KIB);
            fresh.setAutoCommit(false);
            SqliteClaims.create(fresh);
            try (var insert = fresh.prepareStatement("INSERT OR IGNORE INTO temp.claimed (delivery, id, attempt) "
                    + "VALUES (?, ?, ?)")) {
                for (HeldClaim c : claims) {
                    insert.setLong(1, c.delivery());
                    insert.setString(2, c.id());
                    insert.setInt(3, c.attempt());
                    insert.executeUpdate();
                }
            }
            fresh.commit(); // TEMP tables live in memory (temp_store=MEMORY): this needs no disk
            setup.prepare(fresh);
        } catch (SQLException e) {
            logger.error("store: reopening the write connection failed, trying again later: {}", e.toString());
            try {
                old.rollback();
            } catch (SQLException ignored) {
                // the transaction may already be gone; the next batch or probe tries again
            }
            return;
        }
        writeTx.sql().closeStatements();
        closeQuietly(old);
        writeConnection = fresh;
        writeTx = writeTxOn(fresh);
    }

    /**
     * While the store cannot write and nothing else is queued, probes at most once a second, so readiness recovers
     * even when no caller writes. The probe first asks for room ({@value #PROBE_ROOM_BYTES} bytes of new pages in a
     * transaction it rolls back, so nothing stays): a one-page header rewrite alone fits into space that is already
     * allocated, and would call a full journal writable only for the next real write to fail again. Then it commits a
     * one-page write (the header's user_version, rewritten unchanged), which proves the file takes writes.
     */
    private void probeIfUnwritable() {
        if (writeProblem == null || System.nanoTime() - lastProbeNanos < PROBE_INTERVAL_NANOS) {
            return;
        }
        lastProbeNanos = System.nanoTime();
        // A fresh connection for every probe: one that saw SQLITE_FULL or an I/O error may keep state (a cached page
        // count, a statement mid-step) that fails the next real write after the probe's one-page write succeeded.
        resetWriteConnection();
        try (Statement s = writeConnection.createStatement()) {
            askForRoom(s);
            int version;
            try (var rs = s.executeQuery("PRAGMA user_version")) {
                version = rs.next() ? rs.getInt(1) : 0;
            }
            s.execute("PRAGMA user_version = " + version);
            committer.commit(writeConnection);
            writable();
        } catch (SQLException | RuntimeException e) {
            unwritable(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> void complete(PendingWrite<T> w, Object result, Throwable error) {
        if (error != null) {
            w.future().completeExceptionally(error);
        } else {
            w.future().complete((T) result);
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        closing = true;
        try {
            writer.join(TimeUnit.SECONDS.toMillis(60));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        completer.shutdown();
        try {
            completer.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        PendingWrite<?> left;
        while ((left = queue.poll()) != null) {
            left.future().completeExceptionally(new StoreUnavailableException("store is closed", null));
        }
        lookupIndex.close();
        readers.shutdown();
        backgroundReader.shutdown();
        try {
            readers.awaitTermination(10, TimeUnit.SECONDS);
            backgroundReader.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Connection c : readConnections) {
            closeQuietly(c);
        }
        try (Statement s = writeConnection.createStatement()) {
            writeConnection.commit();
            writeConnection.setAutoCommit(true);
            s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
        } catch (SQLException e) {
            logger.warn("store checkpoint at close failed: {}", e.toString());
        }
        writeTx.sql().closeStatements();
        closeQuietly(writeConnection);
        try {
            lock.release();
        } catch (IOException e) {
            logger.warn("releasing the store lock failed: {}", e.toString());
        }
        closeQuietly(lockChannel);
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception ignored) {
            // nothing more to do at close
        }
    }
}
