package dev.herald.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class ConfigLoaderTest {
    private static final String SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    private static final SecretResolver NO_ENV = SecretResolver.withEnvironment(Map.of());

    private static HeraldConfig parse(String yaml) {
        return ConfigLoader.parse(yaml, NO_ENV);
    }

    private static String minimal(String extra) {
        return extra + "\nworkspaces:\n  - id: acme\n    api_keys: [ { name: backend, sha256: \"" + SHA
                + "\", permissions: [messages.send] } ]\n";
    }

    private static String error(String yaml) {
        return assertThrows(ConfigException.class, () -> parse(yaml)).getMessage();
    }

    @Test
    void readsTheKeysTheFoundationNames() {
        var config = parse("""
                server: { port: 9000, ops_port: 9001, max_body: 1MiB, public_url: "https://h.example.com/" }
                store: { kind: sqlite, path: /tmp/x/herald.db }
                webhook: { allow_private_networks: true }
                workspaces:
                  - id: acme
                    sandbox: "true"
                    api_keys: [ { name: backend, sha256: "%s", permissions: [messages.send, users.track] } ]
                """.formatted(SHA.toUpperCase()));
        assertEquals(9000, config.server().port());
        assertEquals(9001, config.server().opsPort());
        assertEquals(1024 * 1024, config.server().maxBodyBytes());
        assertEquals("https://h.example.com", config.server().publicUrl().orElseThrow().toString());
        assertEquals(Path.of("/tmp/x/herald.db"), config.store().path());
        assertTrue(config.webhook().allowPrivateNetworks());
        var ws = config.workspace("acme").orElseThrow();
        assertTrue(ws.sandbox());
        assertEquals(SHA, ws.apiKeys().get(0).sha256());
        assertEquals(Set.of("messages.send", "users.track"), ws.apiKeys().get(0).permissions());
    }

    @Test
    void appliesDefaultsWhenSectionsAreAbsent() {
        var config = parse(minimal(""));
        assertEquals(8080, config.server().port());
        assertEquals(4L * 1024 * 1024, config.server().maxBodyBytes());
        assertFalse(config.webhook().allowPrivateNetworks());
        assertFalse(config.workspaces().get(0).sandbox());
        assertEquals(Duration.ofHours(24), config.delivery().maxAge());
        assertEquals(Path.of("data", "herald.db"), config.store().path());
    }

    @Test
    void limitsWebhooksInFlightPerHostWithNamedHostsAbove() {
        var webhook = parse(minimal("""
                webhook:
                  max_in_flight_per_host: 64
                  hosts:
                    Ingest.Internal: { max_in_flight: 512 }
                    "partner.test:8443": { max_in_flight: 8 }
                """)).webhook();
        assertEquals(64, webhook.maxInFlight("customer.test", 443));
        assertEquals(512, webhook.maxInFlight("ingest.internal", 443));
        assertEquals(8, webhook.maxInFlight("partner.test", 8443));
        assertEquals(64, webhook.maxInFlight("partner.test", 443));
        assertEquals(WebhookConfig.DEFAULT_MAX_IN_FLIGHT_PER_HOST, parse(minimal("")).webhook().maxInFlight("a.test", 80));
        assertEquals("webhook.hosts.h.test.max_in_flight: must be between 1 and 10000, was 0",
                error(minimal("webhook: { hosts: { h.test: { max_in_flight: 0 } } }")));
        assertEquals("webhook.hosts.https://h.test: must be named by a host name or address, optionally with :port "
                + "(e.g. hooks.example.com or hooks.example.com:8443)",
                error(minimal("webhook: { hosts: { \"https://h.test\": { max_in_flight: 4 } } }")));
        assertEquals("webhook.hosts.h.test: must be a mapping with max_in_flight (e.g. { max_in_flight: 256 })",
                error(minimal("webhook: { hosts: { h.test: 512 } }")), "a bare number is not quietly the default");
        assertEquals("webhook.hosts.h.test: must be a mapping with max_in_flight (e.g. { max_in_flight: 256 })",
                error(minimal("webhook: { hosts: { h.test: {} } }")));
        assertEquals("webhook.hosts.H.test: this host is already listed (host names are not case sensitive)",
                error(minimal("webhook: { hosts: { h.test: { max_in_flight: 4 }, H.test: { max_in_flight: 8 } } }")));
    }

    @Test
    void namesAnUnknownKeyWithItsPath() {
        String message = error(minimal("server: { prot: 1 }"));
        assertTrue(message.startsWith("server.prot: unknown key"), message);
    }

    @Test
    void readsTheConnectionTimeoutsAndLimitWithDefaults() {
        var set = parse(minimal("server: { idle_timeout: 2s, request_timeout: 5s, max_connections: 300 }")).server();
        assertEquals(Duration.ofSeconds(2), set.idleTimeout());
        assertEquals(Duration.ofSeconds(5), set.requestTimeout());
        assertEquals(300, set.maxConnections());
        var defaults = parse(minimal("")).server();
        assertEquals(Duration.ofSeconds(60), defaults.idleTimeout());
        assertEquals(Duration.ofSeconds(30), defaults.requestTimeout());
        assertEquals(10_000, defaults.maxConnections());
        assertTrue(error(minimal("server: { idle_timeout: 0s }")).startsWith("server.idle_timeout: must be a positive"));
        assertTrue(error(minimal("server: { request_timeout: soon }"))
                .startsWith("server.request_timeout: must be a duration"));
        assertEquals("server.max_connections: must be between 1 and 1000000, was 0",
                error(minimal("server: { max_connections: 0 }")));
    }

    @Test
    void theOpsPortBindsWhereTheApiDoesAndServesTheConsoleUnlessToldOtherwise() {
        var defaults = parse(minimal("server: { bind: 10.0.0.5 }")).server();
        assertEquals("10.0.0.5", defaults.opsBindAddress());
        assertTrue(defaults.console());
        var set = parse(minimal("server: { bind: 0.0.0.0, ops_bind: 127.0.0.1, console: false }")).server();
        assertEquals("0.0.0.0", set.bindAddress());
        assertEquals("127.0.0.1", set.opsBindAddress());
        assertFalse(set.console());
        assertEquals("127.0.0.1", HeraldConfig.embeddedDefault(SHA).server().opsBindAddress(),
                "the embedded default keeps the console to this machine");
        assertTrue(error(minimal("server: { console: maybe }")).startsWith("server.console: "));
    }

    @Test
    void namesABadValueWithItsPath() {
        assertEquals("server.port: must be between 0 and 65535, was 70000", error(minimal("server: { port: 70000 }")));
        assertEquals("server.port: must be a whole number, was \"eighty\"",
                error(minimal("server: { port: eighty }")));
        assertTrue(error(minimal("server: { max_body: lots }")).startsWith("server.max_body: must be a size"));
        assertTrue(error(minimal("delivery: { max_age: soon }")).startsWith("delivery.max_age: must be a duration"));
        assertEquals("log.format: must be text or json, was \"xml\"", error(minimal("log: { format: xml }")));
    }

    @Test
    void rejectsABadKeyHashAndAnUnknownPermission() {
        String bad = error("workspaces: [ { id: acme, api_keys: [ { name: k, sha256: nothex } ] } ]");
        assertTrue(bad.startsWith("workspaces[acme].api_keys[0].sha256: must be the 64-hex-character SHA-256"), bad);
        String perm = error("workspaces: [ { id: acme, api_keys: [ { name: k, sha256: \"" + SHA
                + "\", permissions: [mesages.send] } ] } ]");
        assertTrue(perm.startsWith("workspaces[acme].api_keys[0].permissions[0]: unknown permission \"mesages.send\""),
                perm);
    }

    @Test
    void rejectsDuplicateWorkspacesAndSharedKeys() {
        String ws = "  - id: acme\n    api_keys: [ { name: k, sha256: \"" + SHA + "\" } ]\n";
        assertTrue(error("workspaces:\n" + ws + ws).contains("duplicate workspace id \"acme\""));
        String shared = "workspaces:\n" + ws + ws.replace("acme", "other");
        assertTrue(error(shared).contains("the same key is already configured"), error(shared));
    }

    @Test
    void requiresWorkspacesAndKeys() {
        assertEquals("workspaces: at least one workspace is required", error("server: { port: 1 }"));
        assertEquals("workspaces[acme].api_keys: at least one key is required", error("workspaces: [ { id: acme } ]"));
    }

    @Test
    void reportsYamlSyntaxErrorsWithTheirLine() {
        String message = error("server: { port: 1\nworkspaces: [");
        assertTrue(message.startsWith("config is not valid YAML at line"), message);
    }

    @Test
    void resolvesEnvironmentAndFileReferences(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("port");
        Files.writeString(file, "9100\n");
        var env = SecretResolver.withEnvironment(Map.of("OPS", "9101"));
        var config = ConfigLoader.parse(minimal("server: { port: \"${file:" + file + "}\", ops_port: \"${env:OPS}\" }"),
                env);
        assertEquals(9100, config.server().port());
        assertEquals(9101, config.server().opsPort());
    }

    @Test
    void namesAMissingEnvironmentVariable() {
        assertEquals("server.port: environment variable NOPE is not set",
                error(minimal("server: { port: \"${env:NOPE}\" }")));
    }

    @Test
    void neverPrintsASecret() {
        var secret = Secret.of("hunter2");
        assertEquals("[REDACTED]", secret.toString());
        assertEquals("hunter2", secret.reveal());
    }

    @Test
    void loadsAFileAndReportsAMissingOne(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("herald.yaml");
        Files.writeString(file, minimal("server: { port: 1234 }"));
        assertEquals(1234, ConfigLoader.load(file, NO_ENV).server().port());
        var e = assertThrows(ConfigException.class, () -> ConfigLoader.load(dir.resolve("nope.yaml"), NO_ENV));
        assertTrue(e.getMessage().endsWith("does not exist"), e.getMessage());
    }

    @Test
    void embeddedDefaultIsOneSandboxWorkspace() {
        var config = HeraldConfig.embeddedDefault(SHA);
        assertEquals(1, config.workspaces().size());
        assertTrue(config.workspaces().get(0).sandbox());
        assertTrue(config.workspaces().get(0).apiKeys().get(0).allows(Permissions.MESSAGES_SEND));
    }

    @Test
    void aPostgresStoreReadsItsKeysAndBadOnesNameTheKey() {
        var pg = parse(minimal("store: { kind: postgres, url: \"jdbc:postgresql://db:5432/herald?password=x\", "
                + "user: herald, password: s3cret, pool: 8, lease: 10s }")).store();
        assertEquals(StoreConfig.Kind.POSTGRES, pg.kind());
        assertEquals("jdbc:postgresql://db:5432/herald", pg.postgres().orElseThrow().displayUrl());
        assertEquals(8, pg.postgres().orElseThrow().pool());
        assertTrue(error(minimal("store: { kind: mysql }")).contains("store.kind: must be sqlite or postgres"));
        assertTrue(error(minimal("store: { kind: postgres }")).contains("store.url: required"));
        assertTrue(error(minimal("store: { kind: postgres, url: \"mysql://db\" }"))
                .contains("store.url: must start with jdbc:postgresql://"));
        assertTrue(error(minimal("store: { kind: sqlite, url: \"jdbc:postgresql://db/h\" }"))
                .contains("store.url: only for kind: postgres"));
        assertTrue(error(minimal("store: { kind: postgres, url: \"jdbc:postgresql://db/h\", lease: 100ms }"))
                .contains("store.lease: must be between 1s and 1h"));
        String secret = error(minimal("store: { kind: postgres, url: \"jdbc:postgresql://db/h\", password: s3cret, "
                + "pool: 1 }"));
        assertTrue(secret.contains("store.pool"), secret);
        assertFalse(secret.contains("s3cret"), secret);
    }
}
