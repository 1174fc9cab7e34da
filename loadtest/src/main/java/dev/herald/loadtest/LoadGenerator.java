package dev.herald.loadtest;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Recorder;

/**
 * An HTTP/1.1 load generator: {@code connections} keep-alive connections to 127.0.0.1. Closed loop by default, each
 * connection sending its next request as soon as the previous answer arrives; or paced ({@link #paced}): requests
 * at a fixed total rate, each connection on its own schedule, latency counted from when a request was due to be
 * sent, so a server that falls behind is charged for the wait its backlog causes (no coordinated omission, as
 * wrk2 does). A warm-up phase is run and discarded;
 * the measured phase stops at its duration or at {@code maxRequests}, whichever comes first. Request bodies
 * are taken from a fixed list in turn (one body, or e.g. one per recipient). Given several ports (several
 * servers sharing one store), the connections are dealt out across them in turn.
 */
final class LoadGenerator {

    /** How many distinct error answers a run keeps, to show what went wrong without flooding the output. */
    static final int ERROR_SAMPLES = 5;

    /**
     * What one run measured: {@code requests} and {@code errors} in the measured phase, and {@code accepted}, every
     * 2xx answer of the whole run (warm-up and the answers that arrive after the measured phase included), i.e. the
     * work the server took on. The throughput counts 2xx answers only: a refusal is not work done.
     * {@code errorSamples} are the first few distinct non-2xx answers (status and body) or connection failures of
     * the whole run.
     */
    record Result(long requests, long errors, long accepted, Duration elapsed, double p50Micros, double p99Micros,
                  double p999Micros, double maxMicros, List<String> errorSamples) {
        double throughput() {
            return (requests - errors) / (elapsed.toNanos() / 1e9);
        }
    }

    private final List<Integer> ports;
    private final int connections;
    private final String path;
    private final String apiKey;
    private final List<byte[]> bodies;
    private final AtomicLong sequence = new AtomicLong();
    private final Set<String> errorSamples = ConcurrentHashMap.newKeySet();
    private Runnable atMeasureStart = () -> {
    };
    private Runnable atMeasureEnd = () -> {
    };
    /** Nanoseconds between one connection's requests when paced; 0: closed loop. */
    private long pacedIntervalNanos;

    LoadGenerator(int port, int connections, String path, String apiKey, String body) {
        this(port, connections, path, apiKey, List.of(body));
    }

    LoadGenerator(int port, int connections, String path, String apiKey, List<String> bodies) {
        this(List.of(port), connections, path, apiKey, bodies);
    }

    /** Connection {@code i} goes to {@code ports[i % ports.size()]}. */
    LoadGenerator(List<Integer> ports, int connections, String path, String apiKey, List<String> bodies) {
        if (bodies.isEmpty()) {
            throw new IllegalArgumentException("at least one request body");
        }
        if (ports.isEmpty() || connections < ports.size()) {
            throw new IllegalArgumentException("at least one port and one connection per port");
        }
        this.ports = List.copyOf(ports);
        this.connections = connections;
        this.path = path;
        this.apiKey = apiKey;
        this.bodies = bodies.stream().map(b -> b.getBytes(StandardCharsets.UTF_8)).toList();
    }

    /**
     * Runs {@code atStart} when the measured phase begins and {@code atEnd} when it ends, at its time or at the request
     * limit (both on one thread of their own), e.g. to read a server's counters over exactly the measured phase.
     */
    LoadGenerator onMeasuredPhase(Runnable atStart, Runnable atEnd) {
        this.atMeasureStart = atStart;
        this.atMeasureEnd = atEnd;
        return this;
    }

    /**
     * Paces the load at {@code requestsPerSecond} in all (open loop): each connection sends every {@code connections /
     * requestsPerSecond} seconds, the connections staggered, and a request that could not go on time (its
     * connection still waiting for the previous answer) goes as soon as it can, its latency counted from when it was
     * due (lateness left over from the warm-up is dropped when the measured phase begins). The rate reached is the
     * result's throughput; below the pace means the server could not keep it.
     */
    LoadGenerator paced(double requestsPerSecond) {
        if (!(requestsPerSecond > 0)) {
            throw new IllegalArgumentException("a positive rate, not " + requestsPerSecond);
        }
        this.pacedIntervalNanos = Math.max(1, Math.round(connections * 1e9 / requestsPerSecond));
        return this;
    }

    Result run(Duration warmup, Duration measure, long maxRequests) throws InterruptedException {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        var recorder = new Recorder(3);
        var completed = new AtomicLong();
        var errors = new AtomicLong();
        var accepted = new AtomicLong();
        var done = new CountDownLatch(connections);
        long start = System.nanoTime();
        long measureFrom = start + warmup.toNanos();
        long stopAt = measureFrom + measure.toNanos();
        ByteBuf[] payloads = bodies.stream().map(b -> Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(b)))
                .toArray(ByteBuf[]::new);
        Thread atMeasure = null;
        var phaseOver = new CountDownLatch(1);
        try {
            Bootstrap b = new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .option(ChannelOption.TCP_NODELAY, true);
            for (int i = 0; i < connections; i++) {
                int port = ports.get(i % ports.size());
                long firstDue = start + pacedIntervalNanos * i / connections; // paced: staggered across the interval
                b.clone().handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(1 << 20),
                                new Connection(port, payloads, recorder, completed, errors, accepted, done,
                                        measureFrom, stopAt, maxRequests, firstDue));
                    }
                }).connect("127.0.0.1", port).sync();
            }
            atMeasure = Thread.ofVirtual().start(() -> {
                try {
                    sleepUntil(measureFrom);
                    atMeasureStart.run();
                    // Woken early when the run ends at its request limit before the measured time is up.
                    phaseOver.await(Math.max(0, stopAt - System.nanoTime()), TimeUnit.NANOSECONDS);
                    atMeasureEnd.run();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            long limit = warmup.plus(measure).plusSeconds(60).toMillis();
            if (!done.await(limit, TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("load generator did not finish in time");
            }
            long end = Math.min(System.nanoTime(), stopAt);
            phaseOver.countDown();
            atMeasure.join();
            var h = recorder.getIntervalHistogram();
            return new Result(completed.get(), errors.get(), accepted.get(), Duration.ofNanos(end - measureFrom),
                    h.getValueAtPercentile(50), h.getValueAtPercentile(99), h.getValueAtPercentile(99.9),
                    h.getMaxValue(), List.copyOf(errorSamples));
        } finally {
            if (atMeasure != null) {
                atMeasure.interrupt(); // still running only if the run failed
            }
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
        }
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long wait = nanoTime - System.nanoTime();
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }

    /** Keeps {@code sample} if fewer than {@link #ERROR_SAMPLES} distinct ones are kept so far. */
    private void sampleError(String sample) {
        if (errorSamples.size() < ERROR_SAMPLES) {
            errorSamples.add(sample.length() > 300 ? sample.substring(0, 300) + "..." : sample);
        }
    }

    private final class Connection extends SimpleChannelInboundHandler<FullHttpResponse> {
        private final int port;
        private final ByteBuf[] payloads;
        private final Recorder recorder;
        private final AtomicLong completed;
        private final AtomicLong errors;
        private final AtomicLong accepted;
        private final CountDownLatch done;
        private final long measureFrom;
        private final long stopAt;
        private final long maxRequests;
        /** When the request in flight was sent (closed loop) or was due (paced): its latency counts from here. */
        private long sentAt;
        /** Paced: when the next request is due. */
        private long due;

        Connection(int port, ByteBuf[] payloads, Recorder recorder, AtomicLong completed, AtomicLong errors,
                   AtomicLong accepted, CountDownLatch done, long measureFrom, long stopAt, long maxRequests,
                   long firstDue) {
            this.port = port;
            this.payloads = payloads;
            this.recorder = recorder;
            this.completed = completed;
            this.errors = errors;
            this.accepted = accepted;
            this.done = done;
            this.measureFrom = measureFrom;
            this.stopAt = stopAt;
            this.maxRequests = maxRequests;
            this.due = firstDue;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            next(ctx);
        }

        /** Sends the next request: now when closed loop or when it is due or late, else once it is due. */
        private void next(ChannelHandlerContext ctx) {
            long wait = pacedIntervalNanos == 0 ? 0 : due - System.nanoTime();
            if (wait > 0) {
                ctx.executor().schedule(() -> send(ctx), wait, TimeUnit.NANOSECONDS);
            } else {
                send(ctx);
            }
        }

        private void send(ChannelHandlerContext ctx) {
            if (!ctx.channel().isActive()) {
                return;
            }
            ByteBuf payload = payloads[(int) (sequence.getAndIncrement() % payloads.length)];
            FullHttpRequest r = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, path,
                    payload.duplicate());
            r.headers().set(HttpHeaderNames.HOST, "127.0.0.1:" + port);
            r.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
            r.headers().set(HttpHeaderNames.AUTHORIZATION, "Bearer " + apiKey);
            r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, payload.readableBytes());
            if (pacedIntervalNanos == 0) {
                sentAt = System.nanoTime();
            } else {
                long now = System.nanoTime();
                if (due < measureFrom && now >= measureFrom) {
                    due = now; // lateness from the warm-up (a cold JVM) is not carried into the measured phase
                }
                sentAt = due; // a late request is charged for its lateness
                due += pacedIntervalNanos;
            }
            ctx.writeAndFlush(r);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
            long now = System.nanoTime();
            if (response.status().code() / 100 == 2) {
                accepted.incrementAndGet();
            } else {
                sampleError(response.status().code() + " " + response.content().toString(StandardCharsets.UTF_8));
            }
            if (now >= measureFrom && now <= stopAt) {
                recorder.recordValue(Math.max(1, (now - sentAt) / 1_000));
                completed.incrementAndGet();
                if (response.status().code() / 100 != 2) {
                    errors.incrementAndGet();
                }
            }
            if (now < stopAt && completed.get() < maxRequests) {
                next(ctx);
            } else {
                ctx.close();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            done.countDown();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            errors.incrementAndGet();
            sampleError("connection failed: " + cause);
            ctx.close();
        }
    }
}
