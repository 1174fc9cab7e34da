package dev.herald.gateway.console;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
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

    // As the file spells them: users_track_per_3s (not per3s), 30s (not PT30S), sqlite (not SQLITE).
    private static final ObjectMapper MAPPER = Json.MAPPER.copy()
            .setPropertyNamingStrategy(new FileKeyNames())
            .configure(com.fasterxml.jackson.databind.cfg.EnumFeature.WRITE_ENUMS_TO_LOWERCASE, true)
            .registerModule(new SimpleModule().addSerializer(Secret.class, new SecretSerializer())
                    .addSerializer(java.time.Duration.class, new DurationSerializer()));

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
    /** Snake case with a digit run as a word of its own, as the configuration file's keys are written. */
    private static final class FileKeyNames extends PropertyNamingStrategies.NamingBase {
        private static final long serialVersionUID = 1L;

        @Override
        public String translate(String name) {
            return ((PropertyNamingStrategies.NamingBase) PropertyNamingStrategies.SNAKE_CASE).translate(name)
                    .replaceAll("([a-z])([0-9])", "$1_$2");
        }
    }

    /** A duration in the file's units: {@code 250ms}, {@code 30s}, {@code 5m}, {@code 24h}, {@code 7d}. */
    private static final class DurationSerializer extends StdSerializer<java.time.Duration> {
        private static final long serialVersionUID = 1L;

        DurationSerializer() {
            super(java.time.Duration.class);
        }

        @Override
        public void serialize(java.time.Duration value, JsonGenerator gen, SerializerProvider provider)
                throws IOException {
            long ms = value.toMillis();
            String text = ms % 86_400_000 == 0 && ms != 0 ? ms / 86_400_000 + "d"
                    : ms % 3_600_000 == 0 && ms != 0 ? ms / 3_600_000 + "h"
                    : ms % 60_000 == 0 && ms != 0 ? ms / 60_000 + "m"
                    : ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
            gen.writeString(text);
        }
    }

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
