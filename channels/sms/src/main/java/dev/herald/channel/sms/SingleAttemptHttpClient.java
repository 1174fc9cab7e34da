package dev.herald.channel.sms;

import com.twilio.http.NetworkHttpClient;
import com.twilio.http.Request;
import com.twilio.http.Response;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import org.apache.hc.client5.http.HttpRoute;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.routing.HttpRoutePlanner;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/**
 * The SDK's {@link NetworkHttpClient} with both hidden retry layers removed, so one Herald attempt is one HTTP
 * request (providers.md §5.2): {@link #reliableRequest} calls {@link #makeRequest} once (the SDK's would repeat a
 * 5xx three times, 100 ms apart), and the Apache HttpClient 5 underneath is built with
 * {@code disableAutomaticRetries()} (which would repeat 429 and 503 once more each).
 *
 * <p>It also remembers, per calling thread, the HTTP status and {@code Retry-After} of the answer it just got:
 * the SDK's exceptions carry no headers, and carry a status only when the error body states one. Each SDK call
 * runs synchronously on one thread, so the caller reads the answer with {@link #takeAnswer()} right after it.
 */
final class SingleAttemptHttpClient extends NetworkHttpClient {
    /** The status line and the one header Herald needs from a response. */
    record Answer(int status, Optional<String> retryAfter) {
    }

    private static final int MAX_CONNECTIONS = 100;
    private static final int MAX_CONNECTIONS_PER_ROUTE = 20;

    private final ThreadLocal<Answer> lastAnswer;

    private SingleAttemptHttpClient(HttpClientBuilder builder, ThreadLocal<Answer> lastAnswer) {
        super(builder);
        this.lastAnswer = lastAnswer;
    }

    /**
     * A client with the given timeouts; with {@code apiBase} every request goes to that host and port instead of
     * {@code api.twilio.com}, keeping path, headers and body (providers.md §5.5).
     */
    static SingleAttemptHttpClient create(Optional<URI> apiBase, Duration connectTimeout, Duration responseTimeout) {
        var connectionConfig = ConnectionConfig.custom()
                .setConnectTimeout(Timeout.of(connectTimeout))
                .setSocketTimeout(Timeout.of(responseTimeout))
                .setTimeToLive(TimeValue.ofMinutes(5))
                .build();
        var requestConfig = RequestConfig.custom()
                .setConnectionRequestTimeout(Timeout.of(connectTimeout))
                .setResponseTimeout(Timeout.of(responseTimeout))
                .build();
        ThreadLocal<Answer> lastAnswer = new ThreadLocal<>();
        HttpClientBuilder builder = HttpClientBuilder.create()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setMaxConnTotal(MAX_CONNECTIONS)
                        .setMaxConnPerRoute(MAX_CONNECTIONS_PER_ROUTE)
                        .setDefaultConnectionConfig(connectionConfig)
                        .build())
                .setDefaultRequestConfig(requestConfig)
                // makeRequest stamps the SDK's own RequestConfig (30.5 s connect timeout) on every request;
                // put ours back before the connection is leased and opened.
                .addExecInterceptorFirst("herald-timeouts", (request, scope, chain) -> {
                    scope.clientContext.setRequestConfig(requestConfig);
                    return chain.proceed(request, scope);
                })
                // The answer is remembered as soon as its head arrives: a 2xx whose body is then cut off (a reset,
                // a hang-up) makes the SDK throw before reliableRequest sees a status, yet Twilio has the message.
                .addResponseInterceptorFirst((response, entity, context) -> lastAnswer.set(new Answer(
                        response.getCode(), Optional.ofNullable(response.getFirstHeader("Retry-After"))
                        .map(Header::getValue))))
                .disableAutomaticRetries()
                .disableCookieManagement();
        apiBase.ifPresent(base -> builder.setRoutePlanner(fixedRoute(base)));
        return new SingleAttemptHttpClient(builder, lastAnswer);
    }

    /** Sends every request to {@code base}'s scheme, host and port, whatever host the SDK asked for. */
    static HttpRoutePlanner fixedRoute(URI base) {
        String scheme = base.getScheme() == null ? "" : base.getScheme().toLowerCase(Locale.ROOT);
        String path = base.getRawPath() == null ? "" : base.getRawPath();
        if (!(scheme.equals("http") || scheme.equals("https")) || base.getHost() == null
                || !(path.isEmpty() || path.equals("/")) || base.getRawQuery() != null) {
            throw new IllegalArgumentException("twilio api_base must be http(s)://host[:port] without a path, was "
                    + base);
        }
        boolean secure = scheme.equals("https");
        int port = base.getPort() >= 0 ? base.getPort() : secure ? 443 : 80;
        HttpRoute route = new HttpRoute(new HttpHost(scheme, base.getHost(), port), null, secure);
        return (target, context) -> route;
    }

    @Override
    public Response reliableRequest(Request request) {
        lastAnswer.remove();
        Response response = makeRequest(request);
        lastAnswer.set(new Answer(response.getStatusCode(), header(response, "Retry-After")));
        return response;
    }

    @Override
    public Response reliableRequest(Request request, int[] retryCodes, int retries, long delayMillis) {
        return reliableRequest(request);
    }

    /** The answer to the last request made on this thread, if one came back; forgets it. */
    Optional<Answer> takeAnswer() {
        Answer answer = lastAnswer.get();
        lastAnswer.remove();
        return Optional.ofNullable(answer);
    }

    /** Closes the connection pool; requests still in flight fail. */
    void close() {
        client.close(CloseMode.GRACEFUL);
    }

    private static Optional<String> header(Response response, String name) {
        Header[] headers = response.getHeaders();
        if (headers == null) {
            return Optional.empty();
        }
        for (Header h : headers) {
            if (h.getName().equalsIgnoreCase(name) && h.getValue() != null) {
                return Optional.of(h.getValue());
            }
        }
        return Optional.empty();
    }
}
