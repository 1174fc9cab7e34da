package dev.herald.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads Herald's YAML configuration into a validated {@link HeraldConfig}.
 *
 * <p>Unknown keys are errors (a misspelt key must not silently fall back to its default). Every error is
 * a {@link ConfigException} whose message starts with the key's path, for example
 * {@code workspaces[acme].api_keys[0].permissions[1]: unknown permission "mesages.send"}.
 */
public final class ConfigLoader {
    private static final Pattern WORKSPACE_ID = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private ConfigLoader() {
    }

    /** Reads and validates {@code file}, resolving secret references against the process environment. */
    public static HeraldConfig load(Path file) {
        return load(file, SecretResolver.system());
    }

    /** Reads and validates {@code file} with the given secret resolver. */
    public static HeraldConfig load(Path file, SecretResolver secrets) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException("config file " + file + " does not exist", e);
        } catch (IOException e) {
            throw new ConfigException("config file " + file + " cannot be read: " + e.getMessage(), e);
        }
        return parse(text, secrets);
    }

    /** Parses and validates YAML text. */
    public static HeraldConfig parse(String yaml, SecretResolver secrets) {
        JsonNode tree;
        try {
            tree = YAML.readTree(yaml);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr();
            throw new ConfigException("config is not valid YAML" + where + ": " + e.getOriginalMessage(), e);
        }
        if (tree == null || tree.isMissingNode() || tree.isNull()) {
            throw new ConfigException("config is empty");
        }
        if (!tree.isObject()) {
            throw new ConfigException("config must be a mapping of sections (server, store, workspaces, ...)");
        }
        var root = new ConfigNode(tree, "", secrets);
        root.allowOnly("server", "store", "webhook", "delivery", "ratelimit", "workspaces", "log");
        return new HeraldConfig(
                server(root.objectOrEmpty("server")),
                store(root.objectOrEmpty("store")),
                webhook(root.objectOrEmpty("webhook")),
                delivery(root.objectOrEmpty("delivery")),
                ratelimit(root.objectOrEmpty("ratelimit")),
                workspaces(root),
                log(root.objectOrEmpty("log")));
    }

    private static LogConfig log(ConfigNode n) {
        n.allowOnly("format");
        String format = n.string("format", "text");
        return switch (format) {
            case "text" -> new LogConfig(LogConfig.Format.TEXT);
            case "json" -> new LogConfig(LogConfig.Format.JSON);
            default -> throw new ConfigException(n.keyPath("format") + ": must be text or json, was \"" + format
                    + "\"");
        };
    }

    private static ServerConfig server(ConfigNode n) {
        n.allowOnly("bind", "port", "ops_port", "max_body", "public_url", "shutdown_timeout", "idle_timeout",
                "request_timeout", "max_connections", "ops_bind", "console");
        var d = ServerConfig.defaults();
        int port = n.integer("port", d.port(), 0, 65535);
        int ops = n.integer("ops_port", d.opsPort(), 0, 65535);
        if (port != 0 && port == ops) {
            throw new ConfigException(n.keyPath("ops_port") + ": must differ from server.port, both are " + port);
        }
        Optional<URI> publicUrl = n.optionalString("public_url").map(s -> uri(n.keyPath("public_url"), s));
        String bind = n.string("bind", d.bindAddress());
        return new ServerConfig(bind, port, ops,
                n.size("max_body", d.maxBodyBytes(), 1024, 256L * 1024 * 1024),
                publicUrl, n.duration("shutdown_timeout", d.shutdownTimeout()),
                n.duration("idle_timeout", d.idleTimeout()), n.duration("request_timeout", d.requestTimeout()),
                n.integer("max_connections", d.maxConnections(), 1, 1_000_000), n.string("ops_bind", bind),
                n.bool("console", d.console()));
    }

    private static URI uri(String path, String text) {
        try {
            URI uri = new URI(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
                throw new ConfigException(path + ": must be an http(s) URL, was \"" + text + "\"");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new ConfigException(path + ": must be an http(s) URL, was \"" + text + "\"", e);
        }
    }

    private static StoreConfig store(ConfigNode n) {
        n.allowOnly("kind", "path", "queue_capacity", "retention", "url", "user", "password", "pool", "lease");
        var d = StoreConfig.defaults();
        String kind = n.string("kind", "sqlite").toLowerCase(Locale.ROOT);
        int capacity = n.integer("queue_capacity", d.queueCapacity(), 16, 1_000_000);
        var retention = n.duration("retention", d.retention());
        return switch (kind) {
            case "sqlite" -> {
                for (String key : List.of("url", "user", "password", "pool", "lease")) {
                    if (n.has(key)) {
                        throw new ConfigException(n.keyPath(key) + ": only for kind: postgres");
                    }
                }
                yield new StoreConfig(StoreConfig.Kind.SQLITE, Path.of(n.string("path", d.path().toString())),
                        capacity, retention);
            }
            case "postgres", "postgresql" -> {
                if (n.has("path")) {
                    throw new ConfigException(n.keyPath("path") + ": only for kind: sqlite (postgres takes url)");
                }
                String url = n.optionalString("url").orElseThrow(() -> new ConfigException(n.keyPath("url")
                        + ": required for kind: postgres (jdbc:postgresql://HOST:5432/DATABASE)"));
                if (!url.startsWith("jdbc:postgresql:")) {
                    throw new ConfigException(n.keyPath("url") + ": must start with jdbc:postgresql://");
                }
                var lease = n.duration("lease", java.time.Duration.ofSeconds(30));
                if (lease.toMillis() < 1_000 || lease.toHours() > 1) {
                    throw new ConfigException(n.keyPath("lease") + ": must be between 1s and 1h, was " + lease);
                }
                var server = new StoreConfig.PostgresConfig(url, n.optionalString("user"),
                        n.optionalSecret("password"), n.integer("pool", 16, 2, 1_000), lease);
                yield new StoreConfig(StoreConfig.Kind.POSTGRES, d.path(), capacity, retention,
                        Optional.of(server));
            }
            default -> throw new ConfigException(n.keyPath("kind") + ": must be sqlite or postgres, was \"" + kind
                    + "\"");
        };
    }

    private static WebhookConfig webhook(ConfigNode n) {
        n.allowOnly("allow_private_networks", "connect_timeout", "response_timeout", "max_connections",
                "max_in_flight_per_host", "hosts");
        var d = WebhookConfig.defaults();
        Map<String, Integer> byHost = new LinkedHashMap<>();
        n.entries("hosts").forEach((host, h) -> {
            if (!host.matches("[A-Za-z0-9.\\-\\[\\]:]+")) {
                throw new ConfigException(h.path() + ": must be named by a host name or address, optionally with "
                        + ":port (e.g. hooks.example.com or hooks.example.com:8443)");
            }
            if (!h.raw().isObject() || !h.raw().hasNonNull("max_in_flight")) {
                throw new ConfigException(h.path() + ": must be a mapping with max_in_flight (e.g. "
                        + "{ max_in_flight: 256 })");
            }
            h.allowOnly("max_in_flight");
            if (byHost.put(host.toLowerCase(Locale.ROOT), h.integer("max_in_flight", 1, 1, 10_000)) != null) {
                throw new ConfigException(h.path() + ": this host is already listed (host names are not case "
                        + "sensitive)");
            }
        });
        return new WebhookConfig(n.bool("allow_private_networks", d.allowPrivateNetworks()),
                n.duration("connect_timeout", d.connectTimeout()),
                n.duration("response_timeout", d.responseTimeout()),
                n.integer("max_connections", d.maxConnections(), 1, 100_000),
                n.integer("max_in_flight_per_host", d.maxInFlightPerHost(), 1, 10_000), byHost);
    }

    private static DeliveryConfig delivery(ConfigNode n) {
        n.allowOnly("max_age", "retry_base", "retry_cap", "max_in_flight", "poll_interval");
        var d = DeliveryConfig.defaults();
        var base = n.duration("retry_base", d.retryBase());
        var cap = n.duration("retry_cap", d.retryCap());
        if (cap.compareTo(base) < 0) {
            throw new ConfigException(n.keyPath("retry_cap") + ": must not be shorter than retry_base");
        }
        return new DeliveryConfig(n.duration("max_age", d.maxAge()), base, cap,
                n.integer("max_in_flight", d.maxInFlight(), 1, 100_000),
                n.duration("poll_interval", d.pollInterval()));
    }

    private static RateLimitConfig ratelimit(ConfigNode n) {
        n.allowOnly("backend", "uri", "nodes", "request_timeout", "enabled");
        var d = RateLimitConfig.defaults();
        String backend = n.string("backend", "local").toLowerCase(Locale.ROOT);
        RateLimitConfig.Backend kind = switch (backend) {
            case "local" -> RateLimitConfig.Backend.LOCAL;
            case "redis" -> RateLimitConfig.Backend.REDIS;
            default -> throw new ConfigException(n.keyPath("backend") + ": must be local or redis, was \"" + backend
                    + "\"");
        };
        Optional<URI> uri = n.optionalString("uri").map(u -> {
            try {
                URI parsed = new URI(u);
                if (parsed.getScheme() == null || !parsed.getScheme().startsWith("redis")) {
                    throw new ConfigException(n.keyPath("uri") + ": must be a redis:// or rediss:// URI");
                }
                return parsed;
            } catch (URISyntaxException e) {
                throw new ConfigException(n.keyPath("uri") + ": must be a redis:// or rediss:// URI", e);
            }
        });
        if (kind == RateLimitConfig.Backend.REDIS && uri.isEmpty()) {
            throw new ConfigException(n.keyPath("uri") + ": required when backend is redis");
        }
        return new RateLimitConfig(kind, uri, n.integer("nodes", d.nodes(), 1, 10_000),
                n.duration("request_timeout", d.requestTimeout()), n.bool("enabled", true));
    }

    private static List<WorkspaceConfig> workspaces(ConfigNode root) {
        List<ConfigNode> nodes = root.list("workspaces");
        if (nodes.isEmpty()) {
            throw new ConfigException("workspaces: at least one workspace is required");
        }
        List<WorkspaceConfig> out = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        Map<String, String> keyOwners = new HashMap<>();
        for (ConfigNode raw : nodes) {
            if (!raw.raw().isObject()) {
                throw new ConfigException(raw.path() + ": must be a mapping with id, api_keys, ...");
            }
            String id = raw.string("id");
            if (!WORKSPACE_ID.matcher(id).matches()) {
                throw new ConfigException(raw.keyPath("id") + ": must be 1-64 letters, digits, '.', '_' or '-', was \""
                        + id + "\"");
            }
            if (!ids.add(id)) {
                throw new ConfigException(raw.keyPath("id") + ": duplicate workspace id \"" + id + "\"");
            }
            ConfigNode ws = raw.relabel("workspaces[" + id + "]");
            ws.allowOnly("id", "sandbox", "api_keys", "limits", "apps", "email", "sms", "campaigns", "canvases", "events");
            List<ApiKeyConfig> keys = apiKeys(ws, keyOwners);
            boolean sandbox = ws.bool("sandbox", false);
            Optional<EmailConfig> email = ws.optionalObject("email").map(ChannelConfigs::email);
            Optional<SmsConfig> sms = ws.optionalObject("sms").map(ChannelConfigs::sms);
            // A subscription group id names one group: the API's group endpoints look it up without a channel.
            for (String group : email.map(EmailConfig::subscriptionGroups).orElse(Set.of())) {
                if (sms.map(s -> s.subscriptionGroups().containsKey(group)).orElse(false)) {
                    throw new ConfigException(ws.keyPath("email") + ".subscription_groups: \"" + group
                            + "\" is already an SMS subscription group (sms.subscription_groups)");
                }
            }
            out.add(new WorkspaceConfig(id, sandbox, keys, ChannelConfigs.limits(ws.objectOrEmpty("limits")),
                    ChannelConfigs.apps(ws, sandbox), email, sms, ChannelConfigs.campaigns(ws, "campaigns"),
                    ChannelConfigs.campaigns(ws, "canvases"), ChannelConfigs.events(ws.objectOrEmpty("events"))));
        }
        return out;
    }

    private static List<ApiKeyConfig> apiKeys(ConfigNode ws, Map<String, String> keyOwners) {
        List<ConfigNode> nodes = ws.list("api_keys");
        if (nodes.isEmpty()) {
            throw new ConfigException(ws.keyPath("api_keys") + ": at least one key is required");
        }
        List<ApiKeyConfig> keys = new ArrayList<>();
        for (ConfigNode k : nodes) {
            k.allowOnly("name", "sha256", "permissions");
            String name = k.string("name");
            String sha = k.string("sha256").trim().toLowerCase(Locale.ROOT);
            if (!sha.matches("[0-9a-f]{64}")) {
                throw new ConfigException(k.keyPath("sha256") + ": must be the 64-hex-character SHA-256 of the key "
                        + "(e.g. printf %s \"$KEY\" | sha256sum), was \"" + abbreviate(sha) + "\"");
            }
            String owner = keyOwners.putIfAbsent(sha, ws.path() + ".api_keys[" + name + "]");
            if (owner != null) {
                throw new ConfigException(k.keyPath("sha256") + ": the same key is already configured at " + owner);
            }
            Set<String> permissions = new LinkedHashSet<>();
            for (ConfigNode p : k.list("permissions")) {
                String perm = p.asString().trim();
                if (!Permissions.KNOWN.contains(perm)) {
                    throw new ConfigException(p.path() + ": unknown permission \"" + perm
                            + "\" (use Braze's names, e.g. messages.send, users.track, transactional.send)");
                }
                permissions.add(perm);
            }
            keys.add(new ApiKeyConfig(name, sha, permissions));
        }
        return keys;
    }

    private static String abbreviate(String s) {
        return s.length() > 16 ? s.substring(0, 16) + "..." : s;
    }
}
