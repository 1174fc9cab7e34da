package dev.herald.gateway.store.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.herald.config.StoreConfig;
import dev.herald.gateway.store.ClaimToken;
import dev.herald.gateway.store.JdbcTx;
import dev.herald.gateway.store.ReadOnlyClaims;
import dev.herald.gateway.store.Sql;
import dev.herald.gateway.store.Store;
import dev.herald.gateway.store.StoreOverloadedException;
import dev.herald.gateway.store.StoreUnavailableException;
import dev.herald.gateway.store.UsageReports;
import dev.herald.gateway.store.UsageRow;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The journal on PostgreSQL, shared by every Herald node that points at the same database.
 *
 * <p>Writes are group-committed as on SQLite, but by several writer threads, each on its own pooled connection:
 * a writer takes whatever is queued (up to {@value #MAX_BATCH} writes), runs them one after the other, then commits
 * once with {@code synchronous_commit = on}: a write's stage completes only after PostgreSQL has made it durable.
 * If one write fails, the batch is rolled back and run again with each write in its own SAVEPOINT, so that only
 * that write's caller sees the failure (a serialization failure or a deadlock with another node is retried); the
 * savepoints cost a round trip per write, which is why they are not taken up front. A failed commit fails the whole
 * batch. Reads borrow a pooled connection each.
 *
 * <p>Claims are leases ({@link PostgresClaims}); a heartbeat renews this node's every third of the lease. A batch
 * that accepted requests ends with {@code NOTIFY}, so an idle node picks the work up at once; polling remains the
 * fallback. When the server is unreachable, writes fail within the pool's connection timeout with
 * {@link StoreUnavailableException} (ingress answers 503) and the writers reconnect once it is back.
 *
 * <p>A failed batch, or a write the server refused for want of room, also makes {@link #writeProblem()} say why
 * (readiness answers 503 with it) until a writer has found room for a batch again ({@link #askForRoom}), asked at
 * most once a second, after a commit or while idle: the store recovers by itself even when no traffic comes (a
 * balancer stops sending it).
 */
public final class PostgresStore implements Store {
    static final int MAX_BATCH = 256;
    /** The channel nodes announce new due work on; the payload is the announcing node, which ignores its own. */
    static final String CHANNEL = "herald_work";
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
    private static final int MAX_TRIES = 3;
    private static final long PROBE_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** The room a probe asks for before it calls the store writable again: a batch of ordinary writes, not a row. */
    private static final int PROBE_ROOM_KIB = 64;
    private static final Logger logger = LoggerFactory.getLogger(PostgresStore.class);

    private record PendingWrite<T>(Work<T> work, CompletableFuture<T> future, boolean ingress) {
    }

    private final StoreConfig.PostgresConfig server;
    private final HikariDataSource pool;
    private final Clock clock;
    private final Leases leases;
    private final int ingressCapacity;
    private final AtomicInteger ingressQueued = new AtomicInteger();
    private final LinkedBlockingQueue<PendingWrite<?>> queue = new LinkedBlockingQueue<>();
    private final List<Thread> writers = new ArrayList<>();
    private final ExecutorService readers;
    private final ExecutorService completer = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().daemon(true).name("herald-store-completer").factory());
    private final ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon(true).name("herald-store-heartbeat").factory());
    private final Thread listener;
    private final List<Runnable> wakeListeners = new CopyOnWriteArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean closing;
    private final UsageReports usageReports = new UsageReports();
    /** Why writes cannot be made durable now, if they cannot: set by a refused write, cleared by room found. */
    private volatile @Nullable String writeProblem;
    /** Guards clearing {@link #writeProblem} against a refusal another writer met during the probe. */
    private final Object problemLock = new Object();
    /** Refusals met so far (under {@link #problemLock}): a probe clears the problem only if none came meanwhile. */
    private long problems;
    /** When a writer last asked for room, idle or after a commit (any writer: one probe a second for the node). */
    private final AtomicLong lastProbeNanos = new AtomicLong(System.nanoTime());

    private PostgresStore(StoreConfig config, HikariDataSource pool, Clock clock, String owner) {
        this.server = config.postgres().orElseThrow();
        this.pool = pool;
        this.clock = clock;
        this.leases = new Leases(owner, server.lease());
        this.ingressCapacity = config.queueCapacity();
        // One writer per sixteen pool connections (one to four), the rest read. Fewer writers make larger batches:
        // fewer commits and round trips per request, which is what a loaded machine runs out of (measured on two
        // cores with the database beside Herald: one writer made 0.13 commits per accepted request and a p99 of
        // 26-37 ms, two made 0.27 and 36-52 ms). A writer waits on the database once per profile lookup, so a
        // database further away than loopback wants more of them: a larger pool.
        int writerCount = Math.max(1, Math.min(4, server.pool() / 16));
        int readerCount = Math.max(1, server.pool() - writerCount);
        this.readers = Executors.newFixedThreadPool(readerCount, Thread.ofPlatform().daemon(true)
                .name("herald-store-reader-", 1).factory());
        for (int i = 0; i < writerCount; i++) {
            Thread t = Thread.ofPlatform().daemon(true).name("herald-store-writer-" + (i + 1)).unstarted(this::runWriter);
            writers.add(t);
            t.start();
        }
        long renewMillis = Math.max(200, server.lease().toMillis() / 3);
        heartbeat.scheduleWithFixedDelay(this::renewLeases, renewMillis, renewMillis, TimeUnit.MILLISECONDS);
        this.listener = Thread.ofPlatform().daemon(true).name("herald-store-listener").unstarted(this::listen);
        this.listener.start();
    }

    /**
     * Connects (failing at once with a message naming the URL, never the password, when the server cannot be
     * reached), migrates the schema and starts the writers.
     *
     * @throws StoreUnavailableException if PostgreSQL cannot be reached, logged into or migrated
     */
    public static PostgresStore open(StoreConfig config, Clock clock) {
        StoreConfig.PostgresConfig server = config.postgres().orElseThrow(
                () -> new IllegalArgumentException("not a postgres store"));
        String where = server.displayUrl() + server.user().map(u -> " as " + u).orElse("");
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(hikari(server));
        } catch (RuntimeException e) {
            throw new StoreUnavailableException("cannot reach PostgreSQL at " + where + ": " + rootMessage(e), e);
        }
        try (Connection c = pool.getConnection()) {
            PostgresSchema.migrate(c);
        } catch (SQLException | RuntimeException e) {
            pool.close();
            throw new StoreUnavailableException("cannot migrate the PostgreSQL store at " + where + ": "
                    + rootMessage(e), e);
        }
        return new PostgresStore(config, pool, clock, ownerName());
    }

    private static HikariConfig hikari(StoreConfig.PostgresConfig server) {
        var h = new HikariConfig();
        h.setPoolName("herald-store");
        h.setJdbcUrl(server.url());
        server.user().ifPresent(h::setUsername);
        server.password().ifPresent(p -> h.setPassword(p.reveal()));
        h.setMaximumPoolSize(server.pool());
        h.setMinimumIdle(Math.min(2, server.pool()));
        h.setAutoCommit(false);
        h.setConnectionTimeout(CONNECT_TIMEOUT.toMillis());
        h.setValidationTimeout(Math.min(CONNECT_TIMEOUT.toMillis(), 2_000));
        h.setInitializationFailTimeout(1); // one try at start: a wrong URL is reported, not waited on
        // Durable on commit whatever the server's default: a 201 means committed and flushed. Set at connect
        // (a startup option), not by a statement that would leave a fresh connection idle in a transaction.
        h.addDataSourceProperty("options", "-c synchronous_commit=on");
        h.addDataSourceProperty("ApplicationName", "herald");
        h.addDataSourceProperty("tcpKeepAlive", "true");
        h.addDataSourceProperty("connectTimeout", Long.toString(CONNECT_TIMEOUT.toSeconds()));
        // A server that stops answering mid-statement fails the statement instead of holding a writer forever.
        h.addDataSourceProperty("socketTimeout", "60");
        return h;
    }

    private static String ownerName() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = "node";
        }
        String pid = ManagementFactory.getRuntimeMXBean().getName().split("@")[0];
        return host + "/" + pid + "/" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    /** This node's name in {@code lease_owner}. */
    public String owner() {
        return leases.owner();
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

    @Override
    public <T> CompletableFuture<T> read(Work<T> work) {
        if (closing) {
            return CompletableFuture.failedFuture(new StoreUnavailableException("store is closed", null));
        }
        return CompletableFuture.supplyAsync(() -> {
            Connection c;
            try {
                c = pool.getConnection();
            } catch (SQLException e) {
                throw new StoreUnavailableException("PostgreSQL at " + server.displayUrl() + " cannot be reached: "
                        + rootMessage(e), e);
            }
            var tx = new JdbcTx(new Sql(c, PostgresDialect.INSTANCE), t -> new ReadOnlyClaims(leases.stale()::get));
            try {
                return work.run(tx);
            } catch (SQLException e) {
                throw new CompletionException(e);
            } finally {
                tx.sql().closeStatements();
                try {
                    c.rollback();
                    c.close();
                } catch (SQLException ignored) {
                    // the pool checks the connection before lending it again
                }
            }
        }, readers);
    }

    @Override
    public int pendingWrites() {
        return queue.size();
    }

    @Override
    public long staleOutcomes() {
        return leases.stale().get();
    }

    @Override
    public void abandon(ClaimToken token) {
        if (leases.owner().equals(token.owner())) {
            leases.held().remove(token.delivery()); // no more heartbeats: the lease lapses and any node sends it
        }
    }

    @Override
    public void onRemoteWork(Runnable wake) {
        wakeListeners.add(wake);
    }

    /** A writer: its own connection, batches of whatever is queued, one commit per batch. */
    private void runWriter() {
        List<PendingWrite<?>> batch = new ArrayList<>(MAX_BATCH);
        @Nullable Connection connection = null;
        @Nullable JdbcTx tx = null;
        while (true) {
            PendingWrite<?> first;
            try {
                first = queue.poll(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                first = null;
            }
            if (first == null) {
                if (closing && queue.isEmpty()) {
                    release(connection, tx, false);
                    return;
                }
                if (probeDue()) {
                    if (connection == null) {
                        probeForRoom();
                    } else if (!writableIfRoom(connection)) {
                        release(connection, tx, true);
                        connection = null;
                        tx = null;
                    }
                }
                continue;
            }
            batch.add(first);
            queue.drainTo(batch, MAX_BATCH - 1);
            for (PendingWrite<?> w : batch) {
                if (w.ingress()) {
                    ingressQueued.decrementAndGet();
                }
            }
            try {
                if (connection == null || tx == null) {
                    connection = pool.getConnection();
                    tx = new JdbcTx(new Sql(connection, PostgresDialect.INSTANCE).deferWrites(true),
                            t -> new PostgresClaims(t, leases));
                }
                runBatch(connection, tx, batch);
            } catch (SQLException | RuntimeException e) {
                unwritable(e);
                failBatch(batch, e);
                release(connection, tx, true); // a failed commit may have left it broken: start afresh
                connection = null;
                tx = null;
            }
            batch.clear();
            // The batch committed while a problem stands: is there room for the next accepts too? (At most once a
            // second for the node, like the idle probe: a probe writes pages, which a full disk can least spare.)
            if (connection != null && probeDue() && !writableIfRoom(connection)) {
                release(connection, tx, true);
                connection = null;
                tx = null;
            }
        }
    }

    private void runBatch(Connection connection, JdbcTx tx, List<PendingWrite<?>> batch) throws SQLException {
        int n = batch.size();
        Object[] results = new Object[n];
        Throwable[] errors = new Throwable[n];
        var claims = (PostgresClaims) tx.claims();
        List<UsageRow> usage;
        boolean accepted = false;
        for (PendingWrite<?> w : batch) {
            accepted |= w.ingress();
        }
        try {
            if (!runTogether(tx, batch, results)) {
                // One write failed, which aborts the whole transaction on PostgreSQL: again, each write on its own.
                claims.rolledBack();
                tx.sql().discardDeferred();
                tx.discardHeld();
                connection.rollback();
                runApart(connection, tx, batch, results, errors);
            }
            // Last before the commit: the usage rows' locks are held for as short a time as can be.
            usage = tx.writeHeld();
            if (accepted) {
                PreparedStatement notify = tx.sql().prepare("SELECT pg_notify('" + CHANNEL + "', ?)");
                notify.setString(1, leases.owner());
                notify.execute(); // delivered to listeners only if the commit succeeds
            }
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            claims.rolledBack(); // the batch fails: its claims were never made
            tx.sql().discardDeferred();
            tx.discardHeld();
            throw e;
        }
        claims.committed();
        usageReports.report(usage);
        List<PendingWrite<?>> done = List.copyOf(batch);
        completer.execute(() -> {
            for (int i = 0; i < n; i++) {
                complete(done.get(i), results[i], errors[i]);
            }
        });
    }

    /**
     * Runs the batch's writes one after the other with no savepoint between them, their inserts of new dispatches
     * and deliveries deferred (see {@link Sql}): the common case, in which none fails, costs no round trip beyond
     * the writes' own statements, and the inserts of the whole batch go in one round trip per table. False as soon
     * as one fails.
     */
    private static boolean runTogether(JdbcTx tx, List<PendingWrite<?>> batch, Object[] results) {
        for (int i = 0; i < batch.size(); i++) {
            try {
                results[i] = batch.get(i).work().run(tx);
                tx.endWork(true);
            } catch (Exception | StackOverflowError e) {
                tx.endWork(false);
                return false;
            }
        }
        try {
            tx.sql().flush(); // the last writes' inserts: a failure here is found out before the commit
        } catch (SQLException e) {
            return false;
        }
        return true;
    }

    /**
     * Runs each write in its own SAVEPOINT, so that one write's failure is its caller's alone; a write that lost a
     * race with another node is retried. Writes are written to be run again (their effects outside the transaction
     * wait for the commit), which is what makes starting a failed batch again this way safe.
     */
    private void runApart(Connection connection, JdbcTx tx, List<PendingWrite<?>> batch, Object[] results,
                          Throwable[] errors) throws SQLException {
        int n = batch.size();
        var claims = (PostgresClaims) tx.claims();
        try (Statement savepoints = connection.createStatement()) {
            // One round trip between two writes: the last one's savepoint released and the next one's taken in one
            // simple query (the savepoint keeps one write's failure its own; releasing it keeps one level deep).
            savepoints.execute("SAVEPOINT w");
            for (int i = 0; i < n; i++) {
                PendingWrite<?> w = batch.get(i);
                for (int attempt = 1; ; attempt++) {
                    int claimed = claims.claimsSoFar();
                    try {
                        results[i] = w.work().run(tx);
                        tx.sql().flush(); // its deferred inserts fail it, not the next write
                        tx.endWork(true);
                        errors[i] = null;
                        break;
                    } catch (Exception | StackOverflowError e) {
                        tx.endWork(false);
                        errors[i] = e;
                        results[i] = null;
                        tx.sql().discardDeferred();
                        if (serverCannotWrite(e) instanceof SQLException refused) {
                            if (connectionCannotWrite(refused)) {
                                throw refused; // nothing on this connection can commit: the batch fails (503)
                            }
                            // Out of room or resources: the store's fault, not the request's (503, not 500); the
                            // batch's other writes may still fit and commit.
                            unwritable(refused);
                            errors[i] = notDurable(refused);
                        }
                        savepoints.execute("ROLLBACK TO w"); // throws if the connection is gone: the batch fails
                        claims.rolledBackTo(claimed);
                        if (!(e instanceof SQLException s && retryable(s)) || attempt == MAX_TRIES) {
                            break;
                        }
                    }
                }
                savepoints.execute(i + 1 < n ? "RELEASE w; SAVEPOINT w" : "RELEASE w");
            }
        }
    }

    @Override
    public Optional<String> writeProblem() {
        return Optional.ofNullable(writeProblem);
    }

    private void unwritable(Exception cause) {
        synchronized (problemLock) {
            writeProblem = "the journal cannot write: PostgreSQL at " + server.displayUrl() + " refused a write ("
                    + rootMessage(cause) + ")";
            problems++;
        }
    }

    /** Whether this writer should ask for room now: a problem stands and no writer asked in the last second. */
    private boolean probeDue() {
        long last = lastProbeNanos.get();
        long now = System.nanoTime();
        return writeProblem != null && now - last >= PROBE_INTERVAL_NANOS && lastProbeNanos.compareAndSet(last, now);
    }

    /** An idle writer's probe when it holds no connection: one from the pool, evicted if it fails. */
    private void probeForRoom() {
        Connection c;
        try {
            c = pool.getConnection();
        } catch (SQLException | RuntimeException e) {
            unwritable(e); // the server cannot even be reached
            return;
        }
        if (writableIfRoom(c)) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // the pool replaces it
            }
        } else {
            pool.evictConnection(c);
        }
    }

    /**
     * Clears the write problem if there is one and the server has room for a batch again, unless another writer
     * met a new refusal meanwhile. Never throws: after a committed batch a failure here must not reach the batch's
     * callers. False when the connection can no longer be used (lost, or the server shut down).
     */
    private boolean writableIfRoom(Connection connection) {
        long seen;
        synchronized (problemLock) {
            if (writeProblem == null) {
                return true;
            }
            seen = problems;
        }
        try {
            askForRoom(connection);
        } catch (SQLException | RuntimeException e) {
            if (serverCannotWrite(e) instanceof SQLException refused) {
                unwritable(refused);
                return !connectionCannotWrite(refused);
            }
            // The probe itself was refused (a user without CREATE on the schema, say), not for want of room: the
            // batch that just committed, or the connection just made, is the best evidence left.
            logger.debug("room probe refused: {}", rootMessage(e));
        }
        synchronized (problemLock) {
            if (problems == seen) {
                writeProblem = null;
                logger.info("the PostgreSQL journal at {} takes writes again", server.displayUrl());
            }
        }
        return true;
    }

    /**
     * Asks the server for {@value #PROBE_ROOM_KIB} KiB of new pages in a transaction it rolls back, so nothing stays:
     * a small write can still fit into pages a table already has after a full disk ({@code disk_full}), and would
     * call the store writable only for the next accept to fail again. A table of its own, created in the same
     * transaction, so that it has no page yet; named for this probe, so that probes of other nodes never wait on it;
     * unlogged, so that its pages cost the write-ahead log nothing (a full log is what a full disk can least spare).
     * Rows of 1,000 bytes stay in the table (below the size PostgreSQL compresses or moves out of line).
     */
    private static void askForRoom(Connection connection) throws SQLException {
        String table = "herald_room_probe_" + Long.toHexString(ThreadLocalRandom.current()
                .nextLong() & Long.MAX_VALUE);
        try (Statement s = connection.createStatement()) {
            s.execute("CREATE UNLOGGED TABLE " + table + " (b TEXT)");
            s.execute("INSERT INTO " + table + " SELECT repeat('x', 1000) FROM generate_series(1, " + PROBE_ROOM_KIB
                    + ")");
        } catch (SQLException e) {
            try {
                connection.rollback();
            } catch (SQLException alsoFailed) {
                e.addSuppressed(alsoFailed);
            }
            throw e;
        }
        connection.rollback();
    }

    /**
     * The server's refusal to write anything now, if that is why a write failed: out of room or resources (class 53:
     * {@code disk_full}, {@code out_of_memory}, {@code too_many_connections}), a read-only server (25006, e.g. a
     * standby after a failover), a lost connection (class 08), a shutdown (57P01-57P03) or an I/O error (class 58).
     * Such a failure is the store's, not the request's.
     */
    static @Nullable SQLException serverCannotWrite(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException e && e.getSQLState() != null) {
                String state = e.getSQLState();
                if (state.startsWith("53") || state.startsWith("08") || state.startsWith("58")
                        || state.equals("25006") || state.matches("57P0[123]")) {
                    return e;
                }
            }
        }
        return null;
    }

    /** A refusal that holds for everything on the connection: lost (08), shut down (57P0x), read-only (25006). */
    private static boolean connectionCannotWrite(SQLException refused) {
        String state = refused.getSQLState();
        return state.startsWith("08") || state.startsWith("57P0") || state.equals("25006");
    }

    /**
     * Whether a failed write is worth running again at once: it lost a race with another node (a serialization
     * failure, a deadlock, or a unique key another node inserted first, such as a new user both created).
     */
    private static boolean retryable(SQLException e) {
        String state = e.getSQLState();
        return "40001".equals(state) || "40P01".equals(state) || "23505".equals(state);
    }

    @Override
    public void onUsage(Consumer<List<UsageRow>> sink) {
        usageReports.to(sink);
    }

    private void failBatch(List<PendingWrite<?>> batch, Exception cause) {
        logger.error("store commit failed; {} writes in the batch were not kept: {}", batch.size(), rootMessage(cause));
        var failure = notDurable(cause);
        for (PendingWrite<?> w : batch) {
            w.future().completeExceptionally(failure);
        }
    }

    /** What a caller whose write was not kept hears (ingress answers 503 with {@code Retry-After}). */
    private StoreUnavailableException notDurable(Throwable cause) {
        return new StoreUnavailableException("the write could not be made durable in PostgreSQL at "
                + server.displayUrl() + ": " + rootMessage(cause), cause);
    }

    private void release(@Nullable Connection c, @Nullable JdbcTx tx, boolean broken) {
        if (tx != null) {
            tx.sql().closeStatements();
        }
        if (c == null) {
            return;
        }
        try {
            c.rollback();
        } catch (SQLException ignored) {
            broken = true;
        }
        if (broken) {
            pool.evictConnection(c);
        } else {
            try {
                c.close();
            } catch (SQLException ignored) {
                // returned to the pool anyway
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> void complete(PendingWrite<T> w, Object result, @Nullable Throwable error) {
        if (error != null) {
            w.future().completeExceptionally(error);
        } else {
            w.future().complete((T) result);
        }
    }

    /**
     * The heartbeat: this node's leases of deliveries still being sent move out by one lease from now. Runs every
     * third of the lease on its own timer; tests call it directly.
     *
     * @return how many leases were renewed
     */
    CompletableFuture<Integer> renewLeases() {
        List<UUID> held = List.copyOf(leases.held());
        if (held.isEmpty() || closing) {
            return CompletableFuture.completedFuture(0);
        }
        Instant now = clock.instant();
        return write(tx -> ((PostgresClaims) tx.claims()).renew(held, now)).whenComplete((n, failure) -> {
            if (failure != null) {
                logger.warn("renewing {} delivery leases failed (they lapse after {} unless renewed): {}",
                        held.size(), server.lease(), rootMessage(failure));
            }
        });
    }

    /** Listens for other nodes' announcements of new work on its own connection; reconnects when it drops. */
    private void listen() {
        while (!closing) {
            try (Connection c = connectDirect(); Statement s = c.createStatement()) {
                s.execute("LISTEN " + CHANNEL);
                PGConnection pg = c.unwrap(PGConnection.class);
                while (!closing) {
                    PGNotification[] notes = pg.getNotifications(500);
                    if (notes != null && anyFromOthers(notes)) {
                        for (Runnable wake : wakeListeners) {
                            wake.run();
                        }
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (!closing) {
                    logger.debug("listening for other nodes' work failed; polling until it reconnects: {}",
                            rootMessage(e));
                    sleepQuietly(Duration.ofSeconds(1));
                }
            }
        }
    }

    private boolean anyFromOthers(PGNotification[] notes) {
        for (PGNotification n : notes) {
            if (!leases.owner().equals(n.getParameter())) {
                return true;
            }
        }
        return false;
    }

    private Connection connectDirect() throws SQLException {
        var props = new Properties();
        server.user().ifPresent(u -> props.setProperty("user", u));
        server.password().ifPresent(p -> props.setProperty("password", p.reveal()));
        props.setProperty("ApplicationName", "herald-listen");
        props.setProperty("connectTimeout", Long.toString(CONNECT_TIMEOUT.toSeconds()));
        props.setProperty("tcpKeepAlive", "true");
        Connection c = DriverManager.getConnection(server.url(), props);
        c.setAutoCommit(true);
        return c;
    }

    private static void sleepQuietly(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        closing = true;
        heartbeat.shutdownNow();
        for (Thread w : writers) {
            try {
                w.join(TimeUnit.SECONDS.toMillis(60));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
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
        readers.shutdown();
        try {
            readers.awaitTermination(10, TimeUnit.SECONDS);
            listener.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        pool.close();
    }
}
