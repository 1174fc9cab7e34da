package dev.herald.gateway;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.herald.config.ConfigLoader;
import dev.herald.config.SecretResolver;
import dev.herald.gateway.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * {@code log.format: json} writes one JSON object per line, and nothing Herald logs while it takes sends, refuses
 * bad keys and retries a failing endpoint carries a key, a bearer token or a provider password.
 */
class StructuredLogTest {
    @TempDir
    Path dir;

    @Test
    void jsonLinesParseAndCarryNoSecret() throws Exception {
        var context = (LoggerContext) LoggerFactory.getILoggerFactory();
        var buffer = new ByteArrayOutputStream();
        var appender = new OutputStreamAppender<ILoggingEvent>();
        appender.setContext(context);
        appender.setEncoder(LogFormat.jsonEncoder(context));
        appender.setOutputStream(buffer);
        appender.start();
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(appender);
        HttpServer failing = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        failing.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(500, -1);
            exchange.close();
        });
        failing.start();
        String id;
        String yaml = GatewayFixture.yaml(dir, "log: { format: json }");
        try (var gw = GatewayFixture.start(dir, ConfigLoader.parse(yaml, SecretResolver.withEnvironment(Map.of())),
                Herald.Overrides.none())) {
            gw.post("/messages/send", "hk_not-a-real-key-0123456789", "{}");
            gw.post("/messages/send", GatewayFixture.KEY, "{\"broken");
            URI sink = URI.create("http://127.0.0.1:" + failing.getAddress().getPort() + "/hook?token=sink-token-42");
            id = gw.accept(GatewayFixture.webhookSend("u1", sink, "hello"));
            gw.awaitStatus(id, s -> s.path("deliveries").path(0).path("attempts").asInt() >= 2);
        } finally {
            failing.stop(0);
            root.detachAppender(appender);
            appender.stop();
        }
        String log = buffer.toString(StandardCharsets.UTF_8);
        var lines = new ArrayList<JsonNode>();
        for (String line : log.lines().toList()) {
            JsonNode json;
            try {
                json = Json.parse(line);
            } catch (IOException e) {
                throw new AssertionError("not a JSON line: " + line, e);
            }
            assertTrue(json.has("@timestamp") && json.has("level") && json.has("message"), line);
            lines.add(json);
        }
        assertTrue(lines.stream().anyMatch(l -> l.path("dispatch_id").asText().equals(id)
                && l.path("delivery_id").isTextual() && l.path("channel").asText().equals("webhook")
                && l.path("reason").isTextual()), () -> "no line for the retried delivery with its ids as fields:\n"
                + log);
        for (String secret : new String[] {GatewayFixture.KEY, "hk_not-a-real-key", "sink-token-42", "Bearer",
                "secret", "password"}) {
            assertFalse(log.contains(secret), () -> "the log carries \"" + secret + "\":\n" + log);
        }
    }
}
