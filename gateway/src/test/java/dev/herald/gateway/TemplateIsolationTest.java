package dev.herald.gateway;

import static dev.herald.gateway.GatewayFixture.KEY;
import static dev.herald.gateway.GatewayFixture.OTHER_KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.channel.testkit.HttpPeer;
import dev.herald.testkit.Eventually;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One workspace's templates cannot hold up or fail another workspace's sends, and templates that would never end
 * (or never fit) are refused at the door with a JSON 400 naming the field.
 */
final class TemplateIsolationTest {
    private static final String BOMB = "{% assign s='xxxxxxxxxx' %}{% for i in (1..40) %}"
            + "{% assign s = s | append: s %}{% endfor %}{{s}}";

    @TempDir
    Path dir;
    private HttpPeer peer;
    private GatewayFixture gw;

    @BeforeEach
    void start() throws Exception {
        peer = new HttpPeer();
        gw = GatewayFixture.start(dir);
    }

    @AfterEach
    void stop() {
        gw.close();
        peer.close();
    }

    @Test
    void templateBombsInOneWorkspaceDoNotFailAnotherWorkspacesPlainSends() throws Exception {
        for (int n = 0; n < 8; n++) {
            var r = gw.post("/messages/send", KEY, GatewayFixture.webhookSend("bomb" + n, peer.url("/bomb"), BOMB));
            assertTrue(r.status() == 201 || r.status() == 400, r.raw());
        }
        for (int n = 0; n < 20; n++) {
            var r = gw.post("/messages/send", OTHER_KEY,
                    GatewayFixture.webhookSend("b" + n, peer.url("/plain"), "plain " + n));
            assertEquals(201, r.status(), r.raw());
        }
        Eventually.until(Duration.ofSeconds(30), "all 20 plain webhooks of the other workspace", () -> plain().size() == 20);
    }

    private Set<String> plain() {
        return peer.received().stream().filter(r -> r.path().equals("/plain")).map(HttpPeer.Received::body)
                .collect(Collectors.toSet());
    }

    @Test
    void aHugeRangeAndDeepNestingAreJson400sNamingTheField() throws Exception {
        String deep = "{% if true %}".repeat(1_500) + "x" + "{% endif %}".repeat(1_500);
        for (String body : new String[] {"{% for i in (1..9223372036854775807) %}{{i}}{% endfor %}", deep}) {
            var r = gw.post("/messages/send", KEY, GatewayFixture.webhookSend("u1", peer.url("/r"), body));
            assertEquals(400, r.status(), r.raw());
            assertTrue(r.raw().startsWith("{"), r.raw());
            assertTrue(r.message().startsWith("messages.webhook.body is not valid Liquid: "), r.raw());
        }
    }
}
