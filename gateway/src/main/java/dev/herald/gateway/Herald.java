package dev.herald.gateway;

import dev.herald.channel.Sender;
import dev.herald.channel.WebhookMessage;
import dev.herald.channel.webhook.WebhookSender;
import dev.herald.config.HeraldConfig;
import dev.herald.gateway.api.AdminEndpoints;
import dev.herald.gateway.api.DeadEventsEndpoints;
import dev.herald.gateway.api.DeadLetterEndpoints;
import dev.herald.gateway.api.CatalogueEndpoints;
import dev.herald.gateway.api.ContentBlockEndpoints;
import dev.herald.gateway.api.EmailTemplateEndpoints;
import dev.herald.gateway.api.DispatchStatusEndpoint;
import dev.herald.gateway.api.Dispatching;
import dev.herald.gateway.api.MessagesSendEndpoint;
import dev.herald.gateway.api.ScheduleEndpoints;
import dev.herald.gateway.api.SendsEndpoints;
import dev.herald.gateway.api.SpecUpgrade;
import dev.herald.gateway.api.StoredContent;
import dev.herald.gateway.api.StoreFailures;
import dev.herald.gateway.api.TransactionalSendEndpoint;
import dev.herald.gateway.api.TriggerEndpoints;
import dev.herald.gateway.api.UsageEndpoint;
import dev.herald.gateway.binding.ChannelSenders;
import dev.herald.gateway.binding.SenderResources;
import dev.herald.gateway.callbacks.TwilioCallbackEndpoint;
import dev.herald.gateway.delivery.DeliveryEngine;
import dev.herald.gateway.delivery.EgressGovernor;
import dev.herald.gateway.delivery.EgressLimits;
import dev.herald.gateway.delivery.OutcomeListener;
import dev.herald.gateway.delivery.RetryPolicy;
import dev.herald.gateway.events.CurrentsStream;
import dev.herald.gateway.delivery.UsageMetrics;
import dev.herald.gateway.events.EventPublisher;
import dev.herald.gateway.events.Postbacks;
import dev.herald.config.Permissions;
import dev.herald.gateway.console.ConsoleAssets;
import dev.herald.gateway.console.ConsoleRoutes;
import dev.herald.gateway.console.ConfigEndpoint;
import dev.herald.gateway.console.EgressEndpoint;
import dev.herald.gateway.console.ExportEndpoints;
import dev.herald.gateway.console.MessagesEndpoint;
import dev.herald.gateway.console.OverviewEndpoint;
import dev.herald.gateway.http.Access;
import dev.herald.gateway.http.ApiPipeline;
import dev.herald.gateway.http.RequestProcessor;
import dev.herald.gateway.http.ConnectionLimits;
import dev.herald.gateway.http.Endpoint;
import dev.herald.gateway.http.IngressGate;
import dev.herald.gateway.http.NettyServer;
import dev.herald.gateway.idempotency.Idempotency;
import dev.herald.gateway.ingress.IngressKey;
import dev.herald.gateway.ingress.RateLimitGate;
import dev.herald.gateway.live.LiveConfig;
import dev.herald.gateway.openapi.OpenApiDocument;
import dev.herald.gateway.openapi.OpenApiEndpoint;
import dev.herald.gateway.ops.OpsRoutes;
import dev.herald.gateway.store.Purger;
import dev.herald.gateway.store.Store;
import dev.herald.gateway.subscriptions.EmailListEndpoints;
import dev.herald.gateway.subscriptions.InvalidPhoneEndpoints;
import dev.herald.gateway.subscriptions.SubscriptionEndpoints;
import dev.herald.gateway.template.TemplateEngine;
import dev.herald.gateway.users.ExternalIdEndpoints;
import dev.herald.gateway.users.UsersAliasNewEndpoint;
import dev.herald.gateway.users.UsersAliasUpdateEndpoint;
import dev.herald.gateway.users.UsersDeleteEndpoint;
import dev.herald.gateway.users.UsersExportIdsEndpoint;
import dev.herald.gateway.users.UsersIdentifyEndpoint;
import dev.herald.gateway.users.UsersMergeEndpoint;
import dev.herald.gateway.users.UsersTrackEndpoint;
import dev.herald.ratelimit.RateLimiter;
import dev.herald.ratelimit.RateLimiters;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Herald: store, senders, scheduler and the API and ops listeners, wired explicitly from one
 * configuration (no reflection, no service loading). Tests start it the same way production does, on port
 * 0, optionally replacing a sender or the clock through {@link Overrides}.
 *
 * <p>{@link #close()} stops gracefully: readiness goes false, the API stops accepting connections, requests
 * already received are answered, the scheduler stops claiming, running sends finish (up to
 * {@code server.shutdown_timeout}), then the store is flushed and released.
 */
public final class Herald implements AutoCloseable {
    private static final Logger logger = LoggerFactory.getLogger(Herald.class);
    /** Health checks and scrapers need a handful; the bound only keeps a flood on the ops port from growing. */
    private static final int OPS_MAX_CONNECTIONS = 256;

    /**
     * Replacements for tests and benchmarks.
     *
     * @param clock   the time source for everything time-dependent
     * @param random  the jitter source of the retry policy
     * @param webhook a webhook sender to use instead of the HTTP one
     */
    public record Overrides(Clock clock, RandomGenerator random, Optional<Sender<WebhookMessage>> webhook) {
        public Overrides {
            Objects.requireNonNull(clock, "clock");
            Objects.requireNonNull(random, "random");
            Objects.requireNonNull(webhook, "webhook");
        }

        /** Production: the system clock, a random jitter source, real senders. */
        public static Overrides none() {
            return new Overrides(Clock.systemUTC(), RandomGenerator.getDefault(), Optional.empty());
        }

        /** The same overrides with another webhook sender. */
        public Overrides withWebhook(Sender<WebhookMessage> sender) {
            return new Overrides(clock, random, Optional.of(sender));
        }
    }

    private final HeraldConfig config;
    private final Deque<AutoCloseable> resources = new ArrayDeque<>();
    private final AtomicBoolean ready = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private Store store;
    private LiveConfig live;
    private AdminEndpoints admin;
    private EventPublisher publisher;
    private CurrentsStream stream;
    private DeliveryEngine engine;
    private EventLoopGroup boss;
    private EventLoopGroup workers;
    private EventLoopGroup opsLoop;
    private NettyServer api;
    private NettyServer ops;
    private ApiPipeline pipeline;

    private Herald(HeraldConfig config) {
        this.config = config;
    }

    /** Starts Herald with real senders and the system clock. */
    public static Herald start(HeraldConfig config) throws InterruptedException {
        return start(config, Overrides.none());
    }

    /** Starts Herald with the given replacements. */
    public static Herald start(HeraldConfig config, Overrides overrides) throws InterruptedException {
        return start(config, overrides, Optional.empty());
    }

    /**
     * Starts Herald; {@code reloadSource} reads the configuration file again for
     * {@code POST /herald/v1/admin/reload} and {@link #reload()}.
     */
    public static Herald start(HeraldConfig config, Overrides overrides, Optional<Supplier<HeraldConfig>> reloadSource)
            throws InterruptedException {
        Herald herald = new Herald(config);
        try {
            herald.wire(overrides, reloadSource);
            return herald;
        } catch (RuntimeException | InterruptedException | Error e) {
            herald.closeResources();
            throw e;
        }
    }

    private void wire(Overrides o, Optional<Supplier<HeraldConfig>> reloadSource) throws InterruptedException {
        Clock clock = o.clock();
        live = new LiveConfig(config); // validates campaigns and Canvases before anything starts
        LongSupplier nanoTime = EgressGovernor.nanoTimeOf(clock);
        bindProcessMetrics();
        store = Stores.open(config.store(), clock);
        resources.push(store);
        Gauge.builder("herald.store.write_queue", store, Store::pendingWrites)
                .description("writes waiting for the store's writer").register(metrics);
        store.onUsage(new UsageMetrics(metrics)::add);
        FunctionCounter.builder("herald.store.stale_outcomes", store, Store::staleOutcomes)
                .description("attempt outcomes dropped because their claim was no longer held").register(metrics);
        var purger = new Purger(store, config.store().retention(), clock);
        purger.start();
        resources.push(purger);

        SpecUpgrade.run(store); // a journal from before the typed model, before anything reads it

        var blocking = Executors.newVirtualThreadPerTaskExecutor();
        resources.push(blocking::shutdownNow);
        var senderResources = new SenderResources(config.webhook(), clock, blocking, o.webhook());
        resources.push(senderResources);
        ChannelSenders senders = ChannelSenders.open(config.workspaces(), senderResources);
        resources.push(senders);

        var templates = new TemplateEngine(TemplateEngine.Limits.defaults(),
                Math.max(2, Runtime.getRuntime().availableProcessors()));
        resources.push(templates);
        var retryPolicy = new RetryPolicy(config.delivery(), o.random());
        // Postbacks have their own sender, so a slow postback receiver never holds up webhook deliveries.
        Sender<WebhookMessage> postbackHttp = WebhookSender.create(config.webhook(), clock);
        resources.push(postbackHttp);
        publisher = new EventPublisher(store, live::workspace, postbackHttp, retryPolicy, clock,
                config.delivery().pollInterval());
        var governor = new EgressGovernor(EgressLimits.from(config.workspaces(), config.webhook()),
                EgressGovernor.Settings.defaults(), clock, nanoTime, metrics);
        // The webhook section needs a restart (it owns the senders' pools): its limits stay as started.
        live.onReload(next -> governor.reconfigure(EgressLimits.from(next.workspaces(), config.webhook())));
        // The event stream has a sender of its own too: a dead connector holds up neither deliveries nor postbacks.
        Sender<WebhookMessage> streamHttp = WebhookSender.create(config.webhook(), clock);
        resources.push(streamHttp);
        stream = new CurrentsStream(store, live::workspace, () -> live.current().config().workspaces(), streamHttp,
                clock, config.delivery().pollInterval(), metrics);
        var postbacks = new Postbacks(live::workspace, clock, config.delivery().maxAge(), publisher::wake);
        var twilioCallbacks = new TwilioCallbackEndpoint(live::workspace, config.server().publicUrl(), store, clock,
                stream.events());
        engine = DeliveryEngine.builder().store(store).senders(senders).workspaces(live::workspace)
                .config(config.delivery()).retryPolicy(retryPolicy).templates(templates)
                .publicUrl(config.server().publicUrl()).clock(clock).governor(governor).registry(metrics)
                .listeners(OutcomeListener.all(List.of(postbacks, stream.events(), twilioCallbacks))).build();
        store.onRemoteWork(engine::wake); // another node accepted work: whichever node is free takes it at once
        publisher.start();
        resources.push(publisher);
        stream.start();
        resources.push(stream);
        engine.start();
        resources.push(engine);

        var dispatching = new Dispatching(store, engine.expander(), engine::wake, publisher::wake);
        var content = new StoredContent(store);
        var triggers = new TriggerEndpoints(() -> live.current().campaigns(), dispatching, content, config.delivery(),
                clock);
        admin = new AdminEndpoints(live, reloadSource, blocking);
        var endpoints = new ArrayList<Endpoint>(List.of(
                new MessagesSendEndpoint(dispatching, content, config.delivery(), clock).endpoint(),
                new TransactionalSendEndpoint(() -> live.current().campaigns(), dispatching, content, store,
                        config.delivery(), clock).endpoint(),
                triggers.campaignSend(),
                triggers.canvasSend(),
                new DispatchStatusEndpoint(store, clock, engine::isSending).endpoint(),
                new UsersTrackEndpoint(store).endpoint(),
                new UsersDeleteEndpoint(store).endpoint(),
                new UsersIdentifyEndpoint(store).endpoint(),
                new UsersAliasNewEndpoint(store).endpoint(),
                new UsersAliasUpdateEndpoint(store).endpoint(),
                new UsersMergeEndpoint(store).endpoint(),
                new UsersExportIdsEndpoint(store).endpoint(),
                admin.reload(),
                twilioCallbacks.endpoint()));
        endpoints.addAll(new ScheduleEndpoints(triggers, dispatching, content, store, config.delivery(), clock).endpoints());
        endpoints.addAll(new ExternalIdEndpoints(store).endpoints());
        endpoints.addAll(new SendsEndpoints(store, clock).endpoints());
        endpoints.addAll(new DeadEventsEndpoints(store, clock, stream::replayed).endpoints());
        endpoints.addAll(new DeadLetterEndpoints(store, clock, config.delivery().maxAge(), engine::wake).endpoints());
        endpoints.add(new UsageEndpoint(store, clock).endpoint());
        endpoints.addAll(new EmailListEndpoints(store).endpoints());
        endpoints.addAll(new SubscriptionEndpoints(store).endpoints());
        endpoints.addAll(new InvalidPhoneEndpoints(store).endpoints());
        endpoints.addAll(new EmailTemplateEndpoints(store, clock).endpoints());
        endpoints.addAll(new ContentBlockEndpoints(store, clock).endpoints());
        endpoints.addAll(new CatalogueEndpoints().endpoints());
        endpoints.add(new OverviewEndpoint(store, clock, engine::inFlight).endpoint());
        endpoints.add(new MessagesEndpoint(store).endpoint());
        endpoints.add(new EgressEndpoint(governor::health).endpoint());
        endpoints.addAll(new ExportEndpoints(store, clock).endpoints());
        endpoints.add(new ConfigEndpoint(() -> live.current().config(), reloadSource.isPresent()).endpoint());
        endpoints.add(new OpenApiEndpoint(OpenApiDocument.load()).endpoint());
        IngressGate gate = ingressGate(clock, nanoTime);
        var idempotency = new Idempotency(store, clock);
        pipeline = new ApiPipeline(endpoints, () -> live.current().authenticator(), gate, idempotency,
                new StoreFailures(), clock);
        // The console's calls: the same handlers, keys, limits and idempotency as the API port's, herald.admin only.
        Optional<RequestProcessor> console = config.server().console()
                ? Optional.of(new ConsoleRoutes(ConsoleAssets.load(), new ApiPipeline(adminOnly(endpoints),
                        () -> live.current().authenticator(), gate, idempotency, new StoreFailures(), clock)))
                : Optional.empty();

        boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        // One I/O thread per core: more only adds context switches on the small machines Herald targets.
        workers = new MultiThreadIoEventLoopGroup(Runtime.getRuntime().availableProcessors(), NioIoHandler.newFactory());
        // The ops port has a thread of its own, so health checks answer while the API's event loops are swamped.
        opsLoop = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        var server = config.server();
        var apiLimits = new ConnectionLimits(server.idleTimeout(), server.requestTimeout(), server.maxConnections());
        api = NettyServer.start(boss, workers, server.bindAddress(), server.port(), server.maxBodyBytes(), apiLimits,
                pipeline);
        ops = NettyServer.start(opsLoop, opsLoop, server.opsBindAddress(), server.opsPort(), 64 * 1024,
                new ConnectionLimits(server.idleTimeout(), server.requestTimeout(), OPS_MAX_CONNECTIONS),
                new OpsRoutes(this::notReady, metrics::scrape, console));
        bindConnectionMetrics("api", api);
        bindConnectionMetrics("ops", ops);
        ready.set(true);
    }

    /**
     * The endpoints the ops port serves the console: Herald's own {@code /herald/v1/} calls (dead letters, usage, status,
     * reload, the console's views), each requiring {@code herald.admin} there, even those any key may call on the API
     * port; the signed provider callbacks stay on the API port.
     */
    private static List<Endpoint> adminOnly(List<Endpoint> endpoints) {
        Access admin = Access.permission(Permissions.HERALD_ADMIN);
        return endpoints.stream()
                .filter(e -> e.pattern().startsWith("/herald/v1/") && !(e.access() instanceof Access.Unauthenticated))
                .map(e -> new Endpoint(e.method(), e.pattern(), admin, e.jsonBody(), e.handler(), null))
                .toList();
    }

    private void bindConnectionMetrics(String listener, NettyServer server) {
        Gauge.builder("herald.http.connections", server, NettyServer::openConnections).tag("listener", listener)
                .description("open connections").register(metrics);
        FunctionCounter.builder("herald.http.connections.rejected", server, NettyServer::rejectedConnections)
                .tag("listener", listener)
                .description("connections closed as soon as accepted because server.max_connections were open")
                .register(metrics);
    }

    /** The ingress limiter the config asks for (local or Redis, or none), with its fail-open figures as metrics. */
    private IngressGate ingressGate(Clock clock, LongSupplier nanoTime) {
        if (!config.ratelimit().enabled()) {
            logger.warn("ingress rate limits are off (ratelimit.enabled: false)");
            return IngressGate.open();
        }
        RateLimiter<IngressKey> limiter = RateLimiters.create(config.ratelimit(), clock, nanoTime);
        resources.push(limiter);
        FunctionCounter.builder("herald.ratelimit.fail_open", limiter, l -> l.stats().failOpenCount())
                .description("rate-limit decisions made locally because Redis failed").register(metrics);
        Gauge.builder("herald.ratelimit.degraded", limiter, l -> l.stats().degraded() ? 1 : 0)
                .description("1 while rate limits are decided locally because Redis failed").register(metrics);
        return new RateLimitGate(limiter, clock, metrics);
    }

    private void bindProcessMetrics() {
        new JvmMemoryMetrics().bindTo(metrics);
        new JvmThreadMetrics().bindTo(metrics);
        JvmGcMetrics gc = new JvmGcMetrics(); // pauses; bytes allocated and promoted, counted at each collection
        gc.bindTo(metrics);
        resources.push(gc);
        // Exact at any moment, unlike the collector's count: the benchmarks divide it by the requests they made.
        if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean threads
                && threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled()) {
            FunctionCounter.builder("herald.jvm.heap.allocated", threads,
                            com.sun.management.ThreadMXBean::getTotalThreadAllocatedBytes)
                    .baseUnit("bytes").description("bytes allocated on the heap by every thread since start")
                    .register(metrics);
        }
        new ProcessorMetrics().bindTo(metrics);
    }

    /** The API port (useful when configured as 0). */
    public int apiPort() {
        return api.port();
    }

    /** The ops port. */
    public int opsPort() {
        return ops.port();
    }

    /** Why Herald should not get traffic now, if it should not: starting or stopping, or a journal that cannot write. */
    private java.util.Optional<String> notReady() {
        if (!ready.get()) {
            return java.util.Optional.of("starting or stopping");
        }
        Store s = store;
        return s == null ? java.util.Optional.of("starting") : s.writeProblem();
    }

    /** The journal (tests insert work the API cannot express yet). */
    Store store() {
        return store;
    }

    /** The routes the API port serves, as its pipeline has them (the OpenAPI test checks each is documented). */
    List<Endpoint> endpoints() {
        return pipeline.endpoints();
    }

    /** Tells the scheduler and the event publisher to look for due work now (tests that move a fake clock). */
    public void wakeScheduler() {
        engine.wake();
        publisher.wake();
    }

    /**
     * Steps the scheduler until nothing is due at the clock's time and no attempt is running: what was due has been
     * sent and its outcome recorded, and nothing else will be until time moves. Tests prove "nothing happened" with
     * it instead of waiting a while.
     */
    void settle() throws InterruptedException {
        for (int round = 0; round < 1_000; round++) {
            if (!engine.awaitIdle(Duration.ofSeconds(30))) {
                throw new IllegalStateException("attempts still running after 30 s");
            }
            DeliveryEngine.Cycle cycle = engine.runOnce();
            cycle.settled().join();
            if (cycle.idle() && engine.inFlight() == 0) {
                return;
            }
        }
        throw new IllegalStateException("the scheduler kept finding due work");
    }

    /** Re-reads the configuration file and applies it, as {@code POST /herald/v1/admin/reload} does (SIGHUP). */
    public void reload() {
        admin.reloadQuietly();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        ready.set(false);
        Duration timeout = config.server().shutdownTimeout();
        try {
            if (api != null) {
                api.stopAccepting();
                if (!api.awaitInFlight(timeout)) {
                    logger.warn("{} requests were still in flight at shutdown", api.inFlight());
                }
                api.closeConnections();
            }
            if (engine != null) {
                engine.stopClaiming();
                if (!engine.awaitIdle(timeout)) {
                    logger.warn("{} sends were still running at shutdown; they are retried at the next start",
                            engine.inFlight());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (ops != null) {
            ops.stopAccepting();
            ops.closeConnections();
        }
        closeResources();
    }

    private void closeResources() {
        while (!resources.isEmpty()) {
            AutoCloseable r = resources.pop();
            try {
                r.close();
            } catch (Exception e) {
                logger.warn("closing {} failed: {}", r.getClass().getSimpleName(), e.toString());
            }
        }
        for (EventLoopGroup g : new EventLoopGroup[] {workers, boss, opsLoop}) {
            if (g != null) {
                g.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
            }
        }
    }
}
