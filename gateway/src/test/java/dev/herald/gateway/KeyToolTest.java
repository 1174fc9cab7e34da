package dev.herald.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.config.ConfigLoader;
import dev.herald.config.SecretResolver;
import dev.herald.gateway.auth.ApiKeyAuthenticator;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code herald key} and {@code herald check}: a printed key works in a config; a config is checked without a start. */
final class KeyToolTest {
    @TempDir
    Path dir;

    private record Run(int status, String out, String err) {
    }

    private static Run key(String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int status = KeyTool.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static Run check(Path file) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int status = ConfigCheck.run(List.of("--config", file.toString()),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static String line(String out, String prefix) {
        return out.lines().filter(l -> l.startsWith(prefix)).findFirst().orElseThrow().substring(prefix.length());
    }

    @Test
    void aPrintedKeyAndItsEntryWorkInAConfiguration() throws Exception {
        Run r = key("--name", "ci", "--permissions", "users.track,messages.send");
        assertEquals(0, r.status(), r.err());
        String key = line(r.out(), "key: ");
        String sha = line(r.out(), "sha256: ");
        assertTrue(key.matches("hk_[A-Za-z0-9_-]{43}"), key);
        assertEquals(ApiKeyAuthenticator.sha256Hex(key), sha);
        String entry = r.out().lines().filter(l -> l.trim().startsWith("- { name: ci")).findFirst().orElseThrow();
        String yaml = GatewayFixture.yaml(dir, "  - id: made\n    api_keys:\n" + entry + "\n");
        try (var gw = GatewayFixture.start(dir, ConfigLoader.parse(yaml, SecretResolver.withEnvironment(Map.of())),
                Herald.Overrides.none())) {
            var tracked = gw.post("/users/track", key, "{\"attributes\":[{\"external_id\":\"k1\"}]}");
            assertEquals(201, tracked.status(), tracked.raw());
        }
        assertTrue(!key("--name", "ci", "--permissions", "users.track").out().contains(key), "a new key each time");
    }

    @Test
    void badArgumentsAreRefusedWithTheReason() {
        Run unknown = key("--name", "ci", "--permissions", "mesages.send");
        assertEquals(2, unknown.status());
        assertTrue(unknown.err().contains("unknown permission \"mesages.send\""), unknown.err());
        assertEquals(2, key("--permissions", "users.track").status(), "a name is required");
        assertEquals(2, key("--name", "ci").status(), "permissions are required");
        assertEquals("", unknown.out(), "no key printed for a bad request");
    }

    @Test
    void checkAcceptsAGoodFileAndNamesTheKeyOfABadOne() throws Exception {
        Path good = dir.resolve("good.yaml");
        Files.writeString(good, GatewayFixture.yaml(dir, ""));
        Run ok = check(good);
        assertEquals(0, ok.status(), ok.err());
        assertTrue(ok.out().contains("is valid"), ok.out());

        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, GatewayFixture.yaml(dir, "").replace("permissions: [messages.send]",
                "permissions: [mesages.send]"));
        Run refused = check(bad);
        assertEquals(2, refused.status());
        assertTrue(refused.err().startsWith("herald: configuration error: workspaces[other].api_keys[0].permissions[0]"),
                refused.err());
        assertTrue(!Files.exists(dir.resolve("herald.db")), "check opens no store");
    }
}
