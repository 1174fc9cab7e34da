package dev.herald.gateway.scaleout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.config.ConfigLoader;
import dev.herald.config.HeraldConfig;
import dev.herald.config.RateLimitConfig;
import dev.herald.config.SecretResolver;
import dev.herald.config.StoreConfig;
import dev.herald.gateway.auth.ApiKeyAuthenticator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The compose file at the project root, read as Docker would (there is no Docker engine to run it here): two Herald
 * services built from the Dockerfile beside PostgreSQL and Redis, each with a health check, and the Herald config
 * they share is valid, on PostgreSQL, with limits shared through Redis across as many nodes as there are services.
 */
final class ComposeFileTest {
    private static final Path COMPOSE = Path.of("..", "docker-compose.yml");

    @Test
    void twoHeraldNodesOnePostgresOneRedisAndAValidSharedConfig() throws Exception {
        // SnakeYAML resolves the "<<: *herald" merge keys as Compose does (Jackson's YAML reader does not).
        JsonNode compose = new ObjectMapper().valueToTree(new Yaml().load(Files.readString(COMPOSE)));
        JsonNode services = compose.path("services");
        List<String> nodes = new ArrayList<>();
        services.fieldNames().forEachRemaining(name -> {
            if (name.startsWith("herald")) {
                nodes.add(name);
            }
        });
        assertEquals(2, nodes.size(), "two Herald services: " + nodes);
        for (String name : List.of(nodes.get(0), nodes.get(1), "postgres", "redis")) {
            assertTrue(services.path(name).has("healthcheck"), name + " has a health check");
        }
        assertEquals(".", services.path(nodes.get(0)).path("build").asText(), "built from the Dockerfile");
        assertTrue(Files.readString(Path.of("..", "Dockerfile")).contains("herald.jar"), "the Dockerfile runs Herald");

        // Compose turns $$ into $: Herald reads ${env:...} references, resolved from each node's environment.
        String config = compose.path("configs").path("herald").path("content").asText().replace("$$", "$");
        HeraldConfig parsed = ConfigLoader.parse(config, SecretResolver.withEnvironment(Map.of(
                "HERALD_PG_PASSWORD", "pw", "HERALD_API_KEY_SHA256", ApiKeyAuthenticator.sha256Hex("key"),
                "HERALD_ADMIN_KEY_SHA256", ApiKeyAuthenticator.sha256Hex("admin"))));
        assertEquals(StoreConfig.Kind.POSTGRES, parsed.store().kind());
        assertEquals("jdbc:postgresql://postgres:5432/herald", parsed.store().postgres().orElseThrow().url());
        assertEquals(RateLimitConfig.Backend.REDIS, parsed.ratelimit().backend());
        assertEquals(nodes.size(), parsed.ratelimit().nodes(), "each node's fallback share is limit / nodes");
        assertTrue(parsed.server().console(), "the console is served on each node's ops port");
    }
}
