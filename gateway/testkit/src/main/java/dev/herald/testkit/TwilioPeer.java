package dev.herald.testkit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * Twilio's Messages API on loopback, for a sender whose {@code api_base} is {@link #apiBase()}: a JDK HTTP server on
 * 127.0.0.1 and a free port that records every request ({@link #received()}) and answers as the test switches it. By
 * default it creates each message: 201 with a {@code queued} Message resource and a fresh SID. It can refuse with a
 * Twilio error code ({@link #refuse}, or {@link #refuseOnce} for the next request only), hold its answer until the
 * test releases it, post a signed status callback before answering, or send any raw answer a proxy might.
 *
 * <p>It checks nothing (credentials included): tests assert on what it recorded. One account,
 * {@link #ACCOUNT_SID} with {@link #AUTH_TOKEN}; {@link #sign} computes Twilio's {@code X-Twilio-Signature} with
 * it, independently of the Twilio SDK. Thread-safe.
 */
public final class TwilioPeer implements AutoCloseable {
    /** The test account. */
    public static final String ACCOUNT_SID = "AC0123456789abcdef0123456789abcdef";
    /** The test account's auth token, which signs its status callbacks. */
    public static final String AUTH_TOKEN = "f00dfeed0123456789abcdef01234567";
    /** Where the SDK creates a message for {@link #ACCOUNT_SID}. */
    public static final String MESSAGES_PATH = "/2010-04-01/Accounts/" + ACCOUNT_SID + "/Messages.json";
    private static final Map<String, String> JSON = Map.of("Content-Type", "application/json");

    /**
     * One request as the peer saw it.
     *
     * @param sid the Message SID the peer created for it, if it answered by creating one
     */
    public record Request(String method, String path, Map<String, List<String>> headers, String body,
                          Optional<String> sid) {
        public Request {
            headers = Map.copyOf(headers);
        }

        /** The first value of a header, case-insensitively, or null. */
        public @Nullable String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0)).findFirst().orElse(null);
        }

        /** The form-encoded body, name → values. */
        public Map<String, List<String>> form() {
            return TwilioPeer.form(body);
        }
    }

    /** How the peer answers a request. */
    private sealed interface Answer {
        /** 201 queued with a new SID. */
        record Create() implements Answer {
        }

        /** Creates the message once {@code release} opens (or {@code limit} passed): a Twilio that is slow. */
        record CreateWhenReleased(CountDownLatch release, Duration limit) implements Answer {
        }

        /** Creates the message, but first posts a signed status callback for it to {@code postTo}. */
        record CreateAfterCallback(URI postTo, String status, List<String> more) implements Answer {
        }

        /** A Twilio error body with {@code code}, HTTP {@code status} and extra headers. */
        record Refuse(int code, int status, Map<String, String> headers) implements Answer {
        }

        /** Exactly this, e.g. a proxy's error page or a body that cannot be read. */
        record Raw(int status, Map<String, String> headers, String body) implements Answer {
        }
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final List<Request> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger sids = new AtomicInteger();
    private final Deque<Answer> once = new ArrayDeque<>();
    private Answer standing = new Answer.Create();
    private @Nullable HttpClient callbacks;

    /** Starts the peer on a free port, creating every message. */
    public TwilioPeer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        executor = Executors.newCachedThreadPool(Thread.ofPlatform().daemon(true).name("twilio-peer-", 1).factory());
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** {@code http://127.0.0.1:port}: the {@code api_base} of a Twilio config that sends here. */
    public URI apiBase() {
        return URI.create("http://127.0.0.1:" + port());
    }

    /** The bound port. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** Creates every message, answering 201 queued with a new Message SID (the default). */
    public TwilioPeer accept() {
        return answerAlways(new Answer.Create());
    }

    /**
     * Creates every message, but holds each answer until {@code release} opens, at most {@code limit}: a Twilio that
     * does not answer in time. An interrupt ends the wait early.
     */
    public TwilioPeer acceptWhenReleased(CountDownLatch release, Duration limit) {
        return answerAlways(new Answer.CreateWhenReleased(release, limit));
    }

    /**
     * Creates every message, but first posts a status callback for it to {@code postTo} and waits for the answer, as
     * Twilio can when its callback outruns the create call's response. The callback carries {@code MessageSid},
     * {@code AccountSid}, {@code MessageStatus} = {@code status} and {@code more} (name, value, ...), and is signed
     * over the request's {@code StatusCallback}, the URL Twilio would post to; a request without one gets none.
     */
    public TwilioPeer callBackBeforeAnswering(URI postTo, String status, String... more) {
        if (more.length % 2 != 0) {
            throw new IllegalArgumentException("more must be name, value pairs");
        }
        return answerAlways(new Answer.CreateAfterCallback(postTo, status, List.of(more)));
    }

    /** Refuses every message with Twilio error {@code code} and HTTP {@code status}. */
    public TwilioPeer refuse(int code, int status) {
        return refuse(code, status, Map.of());
    }

    /** Refuses every message with Twilio error {@code code}, HTTP {@code status} and {@code headers}. */
    public TwilioPeer refuse(int code, int status, Map<String, String> headers) {
        return answerAlways(new Answer.Refuse(code, status, Map.copyOf(headers)));
    }

    /** Refuses the next request with Twilio error {@code code} and HTTP {@code status}, then answers as before. */
    public synchronized TwilioPeer refuseOnce(int code, int status) {
        once.add(new Answer.Refuse(code, status, Map.of()));
        return this;
    }

    /** Answers every request with exactly this status, headers and body. */
    public TwilioPeer answer(int status, Map<String, String> headers, String body) {
        return answerAlways(new Answer.Raw(status, Map.copyOf(headers), body));
    }

    private synchronized TwilioPeer answerAlways(Answer answer) {
        once.clear();
        standing = answer;
        return this;
    }

    private synchronized Answer next() {
        Answer first = once.pollFirst();
        return first != null ? first : standing;
    }

    /** Every request so far, in arrival order. */
    public List<Request> received() {
        return List.copyOf(received);
    }

    /** The requests that asked to send to {@code to}. */
    public List<Request> receivedFor(String to) {
        return received.stream().filter(r -> r.form().getOrDefault("To", List.of()).contains(to)).toList();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Answer answer = next();
            Optional<String> sid = switch (answer) {
                case Answer.Create c -> Optional.of(newSid());
                case Answer.CreateWhenReleased w -> Optional.of(newSid());
                case Answer.CreateAfterCallback cb -> Optional.of(newSid());
                case Answer.Refuse r -> Optional.empty();
                case Answer.Raw r -> Optional.empty();
            };
            var request = new Request(ex.getRequestMethod(), ex.getRequestURI().toString(),
                    Map.copyOf(ex.getRequestHeaders()), body, sid);
            received.add(request);
            switch (answer) {
                case Answer.Create c -> reply(ex, 201, JSON, queued(sid.orElseThrow()));
                case Answer.CreateWhenReleased w -> {
                    awaitRelease(w.release(), w.limit());
                    reply(ex, 201, JSON, queued(sid.orElseThrow()));
                }
                case Answer.CreateAfterCallback cb -> {
                    callBack(cb, request, sid.orElseThrow());
                    reply(ex, 201, JSON, queued(sid.orElseThrow()));
                }
                case Answer.Refuse r -> {
                    Map<String, String> headers = new LinkedHashMap<>(JSON);
                    headers.putAll(r.headers());
                    reply(ex, r.status(), headers, error(r.code(), r.status()));
                }
                case Answer.Raw r -> reply(ex, r.status(), r.headers(), r.body());
            }
        }
    }

    private String newSid() {
        return "SM%032x".formatted(sids.incrementAndGet());
    }

    private static void awaitRelease(CountDownLatch release, Duration limit) {
        try {
            release.await(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void callBack(Answer.CreateAfterCallback cb, Request request, String sid) throws IOException {
        List<String> statusCallback = request.form().getOrDefault("StatusCallback", List.of());
        if (statusCallback.isEmpty()) {
            return;
        }
        Map<String, String> params = new LinkedHashMap<>();
        params.put("MessageSid", sid);
        params.put("AccountSid", ACCOUNT_SID);
        params.put("MessageStatus", cb.status());
        for (int i = 0; i < cb.more().size(); i += 2) {
            params.put(cb.more().get(i), cb.more().get(i + 1));
        }
        try {
            callbackClient().send(HttpRequest.newBuilder(cb.postTo())
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .header("X-Twilio-Signature", sign(AUTH_TOKEN, statusCallback.get(0), params))
                    .POST(HttpRequest.BodyPublishers.ofString(encode(params))).build(),
                    HttpResponse.BodyHandlers.discarding());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private synchronized HttpClient callbackClient() {
        HttpClient client = callbacks;
        if (client == null) {
            client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
            callbacks = client;
        }
        return client;
    }

    private static void reply(HttpExchange ex, int status, Map<String, String> headers, String body)
            throws IOException {
        headers.forEach((k, v) -> ex.getResponseHeaders().add(k, v));
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            ex.getResponseBody().write(bytes);
        }
    }

    /** A create response as Twilio sends it (api/v2010 Message resource). */
    private static String queued(String sid) {
        return """
                {"account_sid": "%1$s", "api_version": "2010-04-01", "body": "Your code is 4242",
                 "date_created": "Mon, 23 Nov 2026 10:00:00 +0000", "date_sent": null,
                 "date_updated": "Mon, 23 Nov 2026 10:00:00 +0000", "direction": "outbound-api",
                 "error_code": null, "error_message": null, "from": "+15005550006",
                 "messaging_service_sid": null, "num_media": "0", "num_segments": "1", "price": null,
                 "price_unit": "USD", "sid": "%2$s", "status": "queued",
                 "subresource_uris": {"media": "/2010-04-01/Accounts/%1$s/Messages/%2$s/Media.json"},
                 "to": "+15558675310", "uri": "/2010-04-01/Accounts/%1$s/Messages/%2$s.json"}
                """.formatted(ACCOUNT_SID, sid);
    }

    /** An error body as Twilio sends it. */
    private static String error(int code, int status) {
        return """
                {"code": %1$d, "message": "Error %1$d from Twilio",
                 "more_info": "https://www.twilio.com/docs/errors/%1$d", "status": %2$d}
                """.formatted(code, status);
    }

    /** A form-encoded body as name → values, in order. */
    public static Map<String, List<String>> form(String body) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
        }
        return out;
    }

    /** Form-encodes callback parameters, in order. */
    public static String encode(Map<String, String> params) {
        return params.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
    }

    /**
     * Twilio's {@code X-Twilio-Signature}: Base64(HMAC-SHA1(auth token, URL + each parameter's name and value in
     * name order)).
     */
    public static String sign(String authToken, String url, Map<String, String> params) {
        Objects.requireNonNull(url, "url");
        var data = new StringBuilder(url);
        new TreeMap<>(params).forEach((k, v) -> data.append(k).append(v));
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(authToken.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return Base64.getEncoder().encodeToString(mac.doFinal(data.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Stops the peer; requests still held are cut off. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        HttpClient client;
        synchronized (this) {
            client = callbacks;
        }
        if (client != null) {
            client.close();
        }
    }
}
