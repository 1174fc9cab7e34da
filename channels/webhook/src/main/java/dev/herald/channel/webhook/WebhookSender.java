package dev.herald.channel.webhook;

import dev.herald.channel.SendOutcome;
import dev.herald.channel.Sender;
import dev.herald.channel.WebhookMessage;
import dev.herald.config.WebhookConfig;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.async.methods.SimpleHttpRequest;
import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.client5.http.async.methods.SimpleRequestProducer;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManager;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.reactor.IOReactorConfig;
import org.apache.hc.core5.util.Timeout;

/**
 * Sends webhooks with Apache HttpClient 5 (async): one client and connection pool for all hosts, every
 * host name resolved through the {@link SsrfGuard}, redirects never followed, HttpClient's own retries
 * off (the scheduler owns retries), and the delivery id sent as {@code webhook-id} so receivers can drop
 * duplicates.
 *
 * <p>Thread-safe; {@link #send} never blocks. The stage completes on an HttpClient I/O thread.
 */
public final class WebhookSender implements Sender<WebhookMessage> {
    /** Headers the caller may not set: HttpClient manages them, or they would confuse the target. */
    private static final Set<String> MANAGED_HEADERS = Set.of("host", "content-length", "transfer-encoding",
            "connection", "keep-alive", "upgrade", "te", "trailer", "proxy-connection", "webhook-id", "expect");

    private final CloseableHttpAsyncClient client;
    private final SsrfGuard guard;
    private final Clock clock;
    private final Duration deadline;
    private final AtomicBoolean closed = new AtomicBoolean();

    private WebhookSender(CloseableHttpAsyncClient client, SsrfGuard guard, Clock clock, Duration deadline) {
        this.client = client;
        this.guard = guard;
        this.clock = clock;
        this.deadline = deadline;
    }

    /** A sender with its own client, guarded by {@code config.allowPrivateNetworks()}. */
    public static WebhookSender create(WebhookConfig config, Clock clock) {
        SsrfGuard guard = new SsrfGuard(config.allowPrivateNetworks());
        return create(config, clock, new GuardedDnsResolver(guard), guard);
    }

    static WebhookSender create(WebhookConfig config, Clock clock, DnsResolver resolver, SsrfGuard guard) {
        PoolingAsyncClientConnectionManager pool = PoolingAsyncClientConnectionManagerBuilder.create()
                .setDnsResolver(resolver)
                .setMaxConnTotal(config.maxConnections())
                .setMaxConnPerRoute(config.maxConnections())
                .setDefaultConnectionConfig(ConnectionConfig.custom()
                        .setConnectTimeout(Timeout.of(config.connectTimeout()))
                        .setSocketTimeout(Timeout.of(config.responseTimeout()))
                        .setTimeToLive(Timeout.ofMinutes(5))
                        .build())
                .build();
        CloseableHttpAsyncClient client = HttpAsyncClients.custom()
                .setConnectionManager(pool)
                .setIOReactorConfig(IOReactorConfig.custom().setIoThreadCount(2).build())
                .setDefaultRequestConfig(RequestConfig.custom()
                        .setRedirectsEnabled(false)
                        .setConnectionRequestTimeout(Timeout.of(config.responseTimeout()))
                        .setResponseTimeout(Timeout.of(config.responseTimeout()))
                        .build())
                .disableAutomaticRetries()
                .disableRedirectHandling()
                .disableCookieManagement()
                .disableAuthCaching()
                .setUserAgent("Herald")
                .build();
        client.start();
        Duration deadline = config.connectTimeout().plus(config.responseTimeout()).plusSeconds(5);
        return new WebhookSender(client, guard, clock, deadline);
    }

    @Override
    public CompletionStage<SendOutcome> send(WebhookMessage message) {
        if (closed.get()) {
            return CompletableFuture.failedFuture(new IllegalStateException("webhook sender closed"));
        }
        Optional<String> refused = SsrfGuard.literal(message.url().getHost()).flatMap(guard::refusal);
        if (refused.isPresent()) {
            return CompletableFuture.completedFuture(new SendOutcome.Failed("webhook host "
                    + message.url().getHost() + " is not allowed: " + refused.get()
                    + " (set webhook.allow_private_networks to permit private targets)"));
        }
        CompletableFuture<SendOutcome> result = new CompletableFuture<>();
        Future<WebhookResponse> inFlight = client.execute(SimpleRequestProducer.create(request(message)),
                new BoundedResponseConsumer(), new FutureCallback<>() {
                    @Override
                    public void completed(WebhookResponse response) {
                        result.complete(WebhookOutcomes.fromResponse(response, clock));
                    }

                    @Override
                    public void failed(Exception e) {
                        result.complete(WebhookOutcomes.fromFailure(e));
                    }

                    @Override
                    public void cancelled() {
                        result.complete(SendOutcome.Retry.of("request cancelled"));
                    }
                });
        // A target that trickles its response byte by byte defeats the socket timeout; this bounds the whole attempt.
        result.completeOnTimeout(SendOutcome.Retry.of("no complete response within " + deadline.toSeconds() + "s"),
                deadline.toMillis(), TimeUnit.MILLISECONDS);
        result.whenComplete((o, e) -> inFlight.cancel(true));
        return result;
    }

    private static SimpleHttpRequest request(WebhookMessage m) {
        SimpleRequestBuilder b = SimpleRequestBuilder.create(m.method()).setUri(m.url());
        String contentType = null;
        for (Map.Entry<String, String> h : m.headers().entrySet()) {
            String name = h.getKey().toLowerCase(Locale.ROOT);
            if (name.equals("content-type")) {
                contentType = h.getValue();
            } else if (!MANAGED_HEADERS.contains(name)) {
                b.addHeader(h.getKey(), h.getValue());
            }
        }
        b.setHeader("webhook-id", m.delivery().id().toString());
        if (!m.body().isEmpty() && !m.method().equals("GET")) {
            b.setBody(m.body().getBytes(StandardCharsets.UTF_8), contentType(contentType, m.body()));
        }
        return b.build();
    }

    /** The caller's Content-Type, else JSON when the body looks like JSON (as Braze infers), else text. */
    private static ContentType contentType(String given, String body) {
        if (given != null) {
            try {
                return ContentType.parse(given);
            } catch (RuntimeException malformed) {
                return ContentType.create(given.split(";")[0].trim(), StandardCharsets.UTF_8);
            }
        }
        String t = body.stripLeading();
        return t.startsWith("{") || t.startsWith("[") ? ContentType.APPLICATION_JSON
                : ContentType.TEXT_PLAIN.withCharset(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            client.close(CloseMode.GRACEFUL);
        }
    }
}
