package dev.herald.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A position in the parsed YAML tree that knows its own path, so every error names the key it is about.
 * Values are read with typed accessors that validate as they read; secret references are resolved on the
 * way.
 */
final class ConfigNode {
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(b|k|kb|kib|m|mb|mib|g|gb|gib)?");

    private final JsonNode node;
    private final String path;
    private final SecretResolver secrets;

    ConfigNode(JsonNode node, String path, SecretResolver secrets) {
        this.node = node;
        this.path = path;
        this.secrets = secrets;
    }

    String path() {
        return path;
    }

    JsonNode raw() {
        return node;
    }

    /** The same node reported under another path, e.g. {@code workspaces[acme]} once the id is known. */
    ConfigNode relabel(String newPath) {
        return new ConfigNode(node, newPath, secrets);
    }

    boolean has(String key) {
        JsonNode v = node.get(key);
        return v != null && !v.isNull();
    }

    String keyPath(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    /** Fails on any key not in {@code known}: a typo must not silently fall back to a default. */
    ConfigNode allowOnly(String... known) {
        Set<String> allowed = Set.of(known);
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw new ConfigException(keyPath(name) + ": unknown key (known keys here: "
                        + String.join(", ", new TreeSet<>(allowed)) + ")");
            }
        }
        return this;
    }

    ConfigNode object(String key) {
        return optionalObject(key).orElseThrow(() -> new ConfigException(keyPath(key) + ": required"));
    }

    /** The child object, or an empty object when absent so defaults apply. */
    ConfigNode objectOrEmpty(String key) {
        return optionalObject(key).orElseGet(() -> new ConfigNode(
                com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode(), keyPath(key), secrets));
    }

    Optional<ConfigNode> optionalObject(String key) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isObject()) {
            throw new ConfigException(keyPath(key) + ": must be a mapping of keys to values, was " + describe(v));
        }
        return Optional.of(new ConfigNode(v, keyPath(key), secrets));
    }

    List<ConfigNode> list(String key) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return List.of();
        }
        if (!v.isArray()) {
            throw new ConfigException(keyPath(key) + ": must be a list, was " + describe(v));
        }
        List<ConfigNode> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            out.add(new ConfigNode(v.get(i), keyPath(key) + "[" + i + "]", secrets));
        }
        return out;
    }

    /** A mapping whose keys are names chosen by the operator (e.g. subscription group ids). */
    Map<String, ConfigNode> entries(String key) {
        Map<String, ConfigNode> out = new LinkedHashMap<>();
        optionalObject(key).ifPresent(obj -> obj.node.fields().forEachRemaining(e ->
                out.put(e.getKey(), new ConfigNode(e.getValue(), obj.path + "." + e.getKey(), secrets))));
        return out;
    }

    String string(String key) {
        return optionalString(key).orElseThrow(() -> new ConfigException(keyPath(key) + ": required"));
    }

    String string(String key, String defaultValue) {
        return optionalString(key).orElse(defaultValue);
    }

    Optional<String> optionalString(String key) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isValueNode() || v.isBinary()) {
            throw new ConfigException(keyPath(key) + ": must be a single value, was " + describe(v));
        }
        String text = secrets.resolve(keyPath(key), v.asText());
        if (text.isBlank()) {
            throw new ConfigException(keyPath(key) + ": must not be empty");
        }
        return Optional.of(text);
    }

    /** This node itself as a string, for list items. */
    String asString() {
        if (!node.isValueNode() || node.isNull()) {
            throw new ConfigException(path + ": must be a single value, was " + describe(node));
        }
        return secrets.resolve(path, node.asText());
    }

    Secret secret(String key) {
        return optionalSecret(key).orElseThrow(() -> new ConfigException(keyPath(key) + ": required"));
    }

    Optional<Secret> optionalSecret(String key) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isValueNode()) {
            throw new ConfigException(keyPath(key) + ": must be a single value (a secret or a ${env:NAME} / "
                    + "${file:/path} reference)");
        }
        return Optional.of(Secret.of(secrets.resolve(keyPath(key), v.asText())));
    }

    boolean bool(String key, boolean defaultValue) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return defaultValue;
        }
        if (v.isBoolean()) {
            return v.booleanValue();
        }
        String text = v.isTextual() ? secrets.resolve(keyPath(key), v.asText()).trim().toLowerCase(Locale.ROOT) : "";
        return switch (text) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw new ConfigException(keyPath(key) + ": must be true or false, was " + describe(v));
        };
    }

    int integer(String key, int defaultValue, int min, int max) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return defaultValue;
        }
        long value;
        if (v.isIntegralNumber() && v.canConvertToLong()) {
            value = v.longValue();
        } else if (v.isTextual()) {
            try {
                value = Long.parseLong(secrets.resolve(keyPath(key), v.asText()).trim());
            } catch (NumberFormatException e) {
                throw new ConfigException(keyPath(key) + ": must be a whole number, was " + describe(v));
            }
        } else {
            throw new ConfigException(keyPath(key) + ": must be a whole number, was " + describe(v));
        }
        if (value < min || value > max) {
            throw new ConfigException(keyPath(key) + ": must be between " + min + " and " + max + ", was " + value);
        }
        return (int) value;
    }

    long longValue(String key, long defaultValue, long min, long max) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return defaultValue;
        }
        long value;
        if (v.isIntegralNumber() && v.canConvertToLong()) {
            value = v.longValue();
        } else if (v.isTextual()) {
            try {
                value = Long.parseLong(secrets.resolve(keyPath(key), v.asText()).trim().replace("_", ""));
            } catch (NumberFormatException e) {
                throw new ConfigException(keyPath(key) + ": must be a whole number, was " + describe(v));
            }
        } else {
            throw new ConfigException(keyPath(key) + ": must be a whole number, was " + describe(v));
        }
        if (value < min || value > max) {
            throw new ConfigException(keyPath(key) + ": must be between " + min + " and " + max + ", was " + value);
        }
        return value;
    }

    /** A duration: {@code 500ms}, {@code 10s}, {@code 15m}, {@code 24h}, {@code 7d}, ISO-8601, or whole seconds. */
    Duration duration(String key, Duration defaultValue) {
        return optionalDuration(key).orElse(defaultValue);
    }

    Optional<Duration> optionalDuration(String key) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (v.isIntegralNumber()) {
            return Optional.of(positive(key, Duration.ofSeconds(v.longValue()), v));
        }
        String text = v.isTextual() ? secrets.resolve(keyPath(key), v.asText()).trim().toLowerCase(Locale.ROOT) : "";
        Matcher m = DURATION.matcher(text);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            Duration d = switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
            return Optional.of(positive(key, d, v));
        }
        try {
            return Optional.of(positive(key, Duration.parse(text.toUpperCase(Locale.ROOT)), v));
        } catch (DateTimeParseException e) {
            throw new ConfigException(keyPath(key) + ": must be a duration such as 500ms, 30s, 15m, 24h or 7d, was "
                    + describe(v));
        }
    }

    private Duration positive(String key, Duration d, JsonNode v) {
        if (d.isNegative() || d.isZero()) {
            throw new ConfigException(keyPath(key) + ": must be a positive duration, was " + describe(v));
        }
        return d;
    }

    /** A byte size: {@code 4MiB}, {@code 512KiB}, {@code 4MB} (decimal), or plain bytes. */
    long size(String key, long defaultValue, long min, long max) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return defaultValue;
        }
        long bytes;
        if (v.isIntegralNumber()) {
            bytes = v.longValue();
        } else {
            String text = v.isTextual() ? secrets.resolve(keyPath(key), v.asText()).trim().toLowerCase(Locale.ROOT) : "";
            Matcher m = SIZE.matcher(text);
            if (!m.matches()) {
                throw new ConfigException(keyPath(key) + ": must be a size such as 4MiB, 512KiB or 1048576, was "
                        + describe(v));
            }
            long n = Long.parseLong(m.group(1));
            String unit = m.group(2) == null ? "b" : m.group(2);
            long factor = switch (unit) {
                case "k", "kib" -> 1024L;
                case "kb" -> 1000L;
                case "m", "mib" -> 1024L * 1024;
                case "mb" -> 1000L * 1000;
                case "g", "gib" -> 1024L * 1024 * 1024;
                case "gb" -> 1000L * 1000 * 1000;
                default -> 1L;
            };
            bytes = Math.multiplyExact(n, factor);
        }
        if (bytes < min || bytes > max) {
            throw new ConfigException(keyPath(key) + ": must be between " + min + " and " + max + " bytes, was "
                    + describe(v));
        }
        return bytes;
    }

    /** Short, printable description of a value for error messages. */
    static String describe(JsonNode v) {
        if (v == null || v instanceof MissingNode || v.isNull()) {
            return "nothing";
        }
        if (v.isObject()) {
            return "a mapping";
        }
        if (v.isArray()) {
            return "a list";
        }
        String text = v.isTextual() ? "\"" + v.asText() + "\"" : v.asText();
        if (SecretResolver.hasReference(text)) {
            return "a reference " + text;
        }
        return text.length() > 80 ? text.substring(0, 77) + "...\"" : text;
    }
}
