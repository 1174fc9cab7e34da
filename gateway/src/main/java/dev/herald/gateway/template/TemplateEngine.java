package dev.herald.gateway.template;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import liqp.Template;
import liqp.TemplateParser;
import liqp.exceptions.ExceededMaxIterationsException;
import org.jspecify.annotations.Nullable;

/**
 * Renders Braze-flavoured Liquid. Parsed templates are cached by source and pooled, because a Liqp
 * {@code Template} must not render on two threads at once: a render borrows a parsed copy and returns it.
 * Every render is bounded — nesting, loop iterations and ranges, output size (checked before a string is built),
 * template size, running time (checked as it renders, so an overrun stops and frees its thread) — so a runaway
 * template fails its own delivery with a clear reason and never the gateway. Rendering jobs run on shared threads
 * with a per-workspace cap, so one workspace's templates cannot hold them all. Thread-safe.
 */
public final class TemplateEngine implements AutoCloseable {
    /** Bounds that keep one template from hurting the others. */
    public record Limits(int maxIterations, int maxOutputChars, int maxTemplateBytes, Duration timeout) {
        /** 10,000 iterations, 1 MiB of output, 256 KiB of template, 2 s. */
        public static Limits defaults() {
            return new Limits(10_000, 1 << 20, 256 * 1024, Duration.ofSeconds(2));
        }
    }

    /** The most parsed copies of one source kept: as many as renders of it can run at once, at most this. */
    private static final int POOL_PER_TEMPLATE = 8;
    /**
     * Heap a parsed template takes per character of its source, measured (JDK 25, Liqp 0.9.2): 77 to 79 bytes for
     * templates of 1.7 KB and 51 KB with a tag every 50 characters. Text without Liquid is never parsed.
     */
    static final int PARSED_BYTES_PER_CHAR = 80;
    /** The share of the heap that parsed templates may take. */
    private static final int HEAP_SHARE = 8;
    /**
     * A source longer than this keeps one parsed copy, not a pool: the longest allowed (256 KiB) takes about 20 MB
     * parsed, and a pool of them would not fit the share of a small heap, so it would never be kept at all.
     */
    private static final int LARGE_SOURCE_CHARS = 16 * 1024;

    private final TemplateParser parser;
    private final Limits limits;
    private final LongSupplier nanoTime;
    private final int poolPerTemplate;
    /**
     * Parsed copies by source, bounded by what they weigh, not by their number: parsed, a 51 KB template takes 4 MB,
     * so the 2,000 sources this once kept by count could hold gigabytes, and a sender that writes each message's
     * text into its template (a receipt listing the order) parsed a new source per request until the heap ran out.
     * An entry weighs as its pool would when full (see {@link #poolSize}).
     */
    private final Cache<String, ConcurrentLinkedQueue<Template>> parsed;
    private final ExecutorService renderers;
    private final ScheduledThreadPoolExecutor timer = newTimer();

    private final PerWorkspaceCap workspaces;

    /** An engine rendering on {@code threads} shared platform threads, timing renders on the system's clock. */
    public TemplateEngine(Limits limits, int threads) {
        this(limits, threads, System::nanoTime);
    }

    /**
     * An engine rendering on {@code threads} shared platform threads, at most {@code threads - 1} (at least one) of
     * them for one workspace at a time.
     *
     * @param nanoTime the clock a render's running time is measured on (tests step it)
     */
    public TemplateEngine(Limits limits, int threads, LongSupplier nanoTime) {
        this(limits, threads, nanoTime, Runtime.getRuntime().maxMemory() / HEAP_SHARE);
    }

    /** An engine whose parsed templates may weigh {@code parsedBytes} (estimated) in all. */
    TemplateEngine(Limits limits, int threads, LongSupplier nanoTime, long parsedBytes) {
        this.limits = limits;
        this.nanoTime = nanoTime;
        this.poolPerTemplate = Math.max(1, Math.min(POOL_PER_TEMPLATE, threads));
        this.parsed = Caffeine.newBuilder().maximumWeight(parsedBytes)
                .weigher((String source, ConcurrentLinkedQueue<Template> pool) -> (int) Math.min(Integer.MAX_VALUE,
                        (long) source.length() * PARSED_BYTES_PER_CHAR * poolSize(source)))
                .expireAfterAccess(Duration.ofMinutes(30))
                .build();
        // Herald's for, output and filters replace Liqp's: they bound sizes before building and check the deadline.
        TemplateParser.Builder builder = new TemplateParser.Builder()
                .withTag(new AbortMessage())
                .withBlock(new BoundedFor())
                .withRenderTransformer(new BoundedOutput(limits.maxOutputChars()))
                .withMaxIterations(limits.maxIterations())
                .withMaxSizeRenderedString(limits.maxOutputChars())
                .withMaxTemplateSizeBytes(limits.maxTemplateBytes());
        BoundedFilters.of(TemplateParser.DEFAULT_FLAVOR.getFilters(), limits.maxOutputChars())
                .forEach(builder::withFilter);
        for (var refused : NoFileInclude.tags()) {
            builder.withTag(refused);
        }
        this.parser = builder.build();
        this.renderers = Executors.newFixedThreadPool(threads, Thread.ofPlatform().daemon(true)
                .name("herald-liquid-", 1).factory());
        this.workspaces = new PerWorkspaceCap(renderers, Math.max(1, threads - 1));
    }

    /** One timer thread; a finished render cancels its timeout, which then leaves the queue at once. */
    private static ScheduledThreadPoolExecutor newTimer() {
        var timer = new ScheduledThreadPoolExecutor(1,
                Thread.ofPlatform().daemon(true).name("herald-liquid-timer").factory());
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }

    private static final String TOO_DEEP_TO_PARSE = "Liquid nested too deeply to parse";

    /** A parser with Herald's tags for syntax checks; parsing needs no render limits. */
    private static final TemplateParser CHECKER = new TemplateParser.Builder().withTag(new AbortMessage()).build();

    /**
     * Why {@code source} does not parse as (Braze's) Liquid, if it does not: requests and configured campaigns are
     * checked when they arrive, so a typo is a 400 or a start error, not a failed delivery per recipient.
     */
    public static Optional<String> syntaxError(String source) {
        if (!isTemplate(source)) {
            return Optional.empty();
        }
        Limits limits = Limits.defaults();
        int max = limits.maxTemplateBytes();
        if (source.length() > max) {
            return Optional.of("template too large: " + source.length() + " characters, at most " + max);
        }
        Optional<String> deep = NestingDepth.tooDeep(source).or(() -> NoFileInclude.used(source));
        if (deep.isPresent()) {
            return deep;
        }
        String liquid = BrazeLiquid.rewrite(source);
        try {
            CHECKER.parse(liquid);
        } catch (RuntimeException e) {
            return Optional.of(oneLine(String.valueOf(e.getMessage())));
        } catch (StackOverflowError e) {
            return Optional.of(TOO_DEEP_TO_PARSE); // past what NestingDepth counts, e.g. a very long expression
        }
        return LiteralRanges.beyond(liquid, limits.maxIterations());
    }

    /** The parsed copies of {@code source} worth keeping: one per render that can run at once, one of a large one. */
    private int poolSize(String source) {
        return source.length() > LARGE_SOURCE_CHARS ? 1 : poolPerTemplate;
    }

    /** The estimated bytes of the parsed templates kept now. */
    long parsedWeight() {
        parsed.cleanUp();
        return parsed.policy().eviction().orElseThrow().weightedSize().orElseThrow();
    }

    /** Whether a string needs rendering at all (most bodies and URLs have no Liquid). */
    public static boolean isTemplate(String text) {
        return text.contains("{{") || text.contains("{%");
    }

    /**
     * Renders {@code source} with {@code variables} on the calling thread, within the time limit from now (or
     * within the rendering job's, inside {@link #run}). Text without Liquid is returned as it is.
     */
    public Rendered render(String source, Map<String, Object> variables) {
        if (!isTemplate(source)) {
            return new Rendered.Text(source);
        }
        if (source.length() > limits.maxTemplateBytes()) {
            return new Rendered.Failed("template too large: " + source.length() + " characters, at most "
                    + limits.maxTemplateBytes());
        }
        Optional<String> deep = NestingDepth.tooDeep(source);
        if (deep.isPresent()) {
            return new Rendered.Failed(deep.get());
        }
        return RenderDeadline.within(nanoTime, limits.timeout(), () -> renderNow(source, variables));
    }

    /**
     * Runs a rendering job of {@code workspace} on the shared render threads, behind at most a few of the same
     * workspace's jobs (never all threads for one workspace). The time limit counts from when the job starts, not
     * while it waits: renders inside check it as they go and fail when it is up, freeing the thread. A job that
     * does not check it (it blocks) completes the stage with a {@link TimeoutException} at twice the limit, and is
     * interrupted.
     */
    public <T> CompletableFuture<T> run(String workspace, Supplier<T> job) {
        CompletableFuture<T> result = new CompletableFuture<>();
        try {
            workspaces.execute(workspace, new PerWorkspaceCap.Job() {
                @Override
                public void run() {
                    if (result.isDone()) {
                        return;
                    }
                    Thread worker = Thread.currentThread();
                    ScheduledFuture<?> backstop = timer.schedule(() -> {
                        if (result.completeExceptionally(new TimeoutException("rendering took longer than "
                                + limits.timeout().toMillis() + " ms"))) {
                            worker.interrupt();
                        }
                    }, 2 * limits.timeout().toMillis(), TimeUnit.MILLISECONDS);
                    try {
                        result.complete(RenderDeadline.within(nanoTime, limits.timeout(), job));
                    } catch (RuntimeException | StackOverflowError e) {
                        result.completeExceptionally(e);
                    } finally {
                        backstop.cancel(false);
                    }
                }

                @Override
                public void rejected(RejectedExecutionException e) {
                    result.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(e);
        }
        return result;
    }

    private Rendered renderNow(String source, Map<String, Object> variables) {
        Template template;
        ConcurrentLinkedQueue<Template> pool;
        try {
            pool = parsed.get(source, s -> new ConcurrentLinkedQueue<>());
            template = pool.poll();
            if (template == null) {
                template = parser.parse(BrazeLiquid.rewrite(source));
            }
        } catch (RuntimeException e) {
            return new Rendered.Failed("template does not parse: " + oneLine(String.valueOf(e.getMessage())));
        } catch (StackOverflowError e) {
            return new Rendered.Failed("template does not parse: " + TOO_DEEP_TO_PARSE);
        }
        try {
            return new Rendered.Text(template.render(variables));
        } catch (RuntimeException e) {
            if (cause(e, AbortMessage.Signal.class) instanceof AbortMessage.Signal abort) {
                return new Rendered.Aborted(abort.getMessage());
            }
            if (cause(e, LimitExceeded.class) instanceof LimitExceeded exceeded) {
                return new Rendered.Failed(exceeded.getMessage());
            }
            if (cause(e, ExceededMaxIterationsException.class) != null) {
                return new Rendered.Failed("template exceeded " + limits.maxIterations() + " loop iterations");
            }
            return new Rendered.Failed("template failed to render: " + oneLine(String.valueOf(e.getMessage())));
        } catch (StackOverflowError e) {
            return new Rendered.Failed("template failed to render: it recursed too deeply");
        } finally {
            if (pool.size() < poolSize(source)) {
                pool.offer(template);
            }
        }
    }

    /** {@code e} or the first of its causes that is a {@code type}: Liqp wraps what its filters and tags throw. */
    private static @Nullable Throwable cause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return t;
            }
        }
        return null;
    }

    private static String oneLine(String s) {
        String flat = s.replaceAll("\\s+", " ").trim();
        return flat.length() > 300 ? flat.substring(0, 300) + "..." : flat;
    }

    @Override
    public void close() {
        renderers.shutdownNow();
        timer.shutdownNow();
    }
}
