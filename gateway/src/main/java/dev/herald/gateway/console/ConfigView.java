package dev.herald.gateway.console;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import dev.herald.config.ApiKeyConfig;
import dev.herald.config.HeraldConfig;
import dev.herald.config.Secret;
import dev.herald.config.WorkspaceConfig;
import dev.herald.gateway.json.Json;
import java.io.IOException;
import java.net.URI;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * The running configuration as the console shows it: the shared sections and the caller's workspace only, keys in
 * the file's snake_case, and every secret replaced by {@code {"secret": "set"}} or {@code {"secret": "unset"}}: a
 * {@link Secret} never reaches the JSON, API keys show their name and permissions but not their hash, a PostgreSQL
 * URL loses its query (where a password may hide) and a Redis URI its user info.
 */
final class ConfigView {
    /** Optional secrets, by their name in the file: absent ones are shown as unset rather than left out. */
    private static final Set<String> SECRET_NAMES = Set.of("password", "signing_secret", "signing_key",
            "service_account", "auth_token", "token");

    private static final ObjectMapper MAPPER = Json.MAPPER.copy()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
            .registerModule(new SimpleModule().addSerializer(Secret.class, new SecretSerializer()));

    private ConfigView() {
    }

    static ObjectNode of(HeraldConfig config, WorkspaceConfig workspace) {
        ObjectNode out = Json.object();
        // The caller's workspace first: what an operator of it comes to see.
        ObjectNode ws = tree(workspace);
        ArrayNode keys = ws.putArray("api_keys");
        for (ApiKeyConfig k : workspace.apiKeys()) {
            ObjectNode n = keys.addObject();
            n.put("name", k.name());
            k.permissions().forEach(n.putArray("permissions")::add);
            n.putObject("sha256").put("secret", "set");
        }
        out.set("workspace", ws);
        out.set("server", tree(config.server()));
        ObjectNode store = tree(config.store());
        config.store().postgres().ifPresent(pg -> ((ObjectNode) store.path("postgres")).put("url", pg.displayUrl()));
        out.set("store", store);
        out.set("webhook", tree(config.webhook()));
        out.set("delivery", tree(config.delivery()));
        ObjectNode ratelimit = tree(config.ratelimit());
        config.ratelimit().uri().ifPresent(uri -> ratelimit.put("uri", withoutUserInfo(uri)));
        out.set("ratelimit", ratelimit);
        out.set("log", tree(config.log()));
        return out;
    }

    private static ObjectNode tree(Object value) {
        JsonNode n = MAPPER.valueToTree(value);
        ObjectNode o = n.isObject() ? (ObjectNode) n : Json.object();
        markUnsetSecrets(o);
        return o;
    }

    /** Walks the tree and shows an absent optional secret as unset. */
    private static void markUnsetSecrets(JsonNode node) {
        if (node instanceof ObjectNode o) {
            for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (SECRET_NAMES.contains(e.getKey()) && e.getValue().isNull()) {
                    e.setValue(Json.object().put("secret", "unset"));
                } else {
                    markUnsetSecrets(e.getValue());
                }
            }
        } else if (node instanceof ArrayNode a) {
            a.forEach(ConfigView::markUnsetSecrets);
        }
    }

    private static String withoutUserInfo(URI uri) {
        if (uri.getRawUserInfo() == null) {
            return uri.toString();
        }
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort())
                + (uri.getRawPath() == null ? "" : uri.getRawPath());
    }

    /** A secret as {@code {"secret": "set"}} (or unset when empty): its value is never read here. */
    private static final class SecretSerializer extends StdSerializer<Secret> {
        private static final long serialVersionUID = 1L;

        SecretSerializer() {
            super(Secret.class);
        }

        @Override
        public void serialize(Secret value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            gen.writeStartObject();
            gen.writeStringField("secret", value.isEmpty() ? "unset" : "set");
            gen.writeEndObject();
        }
    }
}
