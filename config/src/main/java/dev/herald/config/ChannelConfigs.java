package dev.herald.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads a workspace's limits, apps, email and SMS sections for {@link ConfigLoader}. */
final class ChannelConfigs {
    private static final Pattern E164 = Pattern.compile("\\+[1-9]\\d{6,14}");

    private ChannelConfigs() {
    }

    static LimitsConfig limits(ConfigNode n) {
        n.allowOnly("hourly", "burst_per_second", "users_track_per_3s", "broadcast_per_minute",
                "transactional_per_second", "subscription_per_minute", "users_export_per_minute",
                "users_identity_per_minute", "external_ids_per_minute");
        var d = LimitsConfig.defaults();
        long max = 1_000_000_000L;
        return new LimitsConfig(n.longValue("hourly", d.hourly(), 1, max),
                n.longValue("burst_per_second", d.burstPerSecond(), 1, max),
                n.longValue("users_track_per_3s", d.usersTrackPer3s(), 1, max),
                n.longValue("broadcast_per_minute", d.broadcastPerMinute(), 1, max),
                n.longValue("transactional_per_second", d.transactionalPerSecond(), 1, max),
                n.longValue("subscription_per_minute", d.subscriptionPerMinute(), 1, max),
                n.longValue("users_export_per_minute", d.usersExportPerMinute(), 1, max),
                n.longValue("users_identity_per_minute", d.usersIdentityPerMinute(), 1, max),
                n.longValue("external_ids_per_minute", d.externalIdsPerMinute(), 1, max));
    }

    static List<AppConfig> apps(ConfigNode ws, boolean sandbox) {
        List<AppConfig> apps = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (ConfigNode raw : ws.list("apps")) {
            String appId = raw.string("app_id");
            if (!ids.add(appId)) {
                throw new ConfigException(raw.keyPath("app_id") + ": duplicate app_id \"" + appId + "\"");
            }
            ConfigNode a = raw.relabel(ws.keyPath("apps") + "[" + appId + "]");
            a.allowOnly("app_id", "platform", "apns", "fcm");
            String platformName = a.string("platform").toLowerCase(Locale.ROOT);
            AppConfig.Platform platform = switch (platformName) {
                case "ios" -> AppConfig.Platform.IOS;
                case "android" -> AppConfig.Platform.ANDROID;
                case "web" -> AppConfig.Platform.WEB;
                default -> throw new ConfigException(a.keyPath("platform") + ": must be ios, android or web, was \""
                        + platformName + "\"");
            };
            Optional<ApnsConfig> apns = a.optionalObject("apns").map(ChannelConfigs::apns);
            Optional<FcmConfig> fcm = a.optionalObject("fcm").map(ChannelConfigs::fcm);
            if (apns.isPresent() && platform != AppConfig.Platform.IOS) {
                throw new ConfigException(a.keyPath("apns") + ": only an ios app has APNs credentials");
            }
            if (fcm.isPresent() && platform != AppConfig.Platform.ANDROID) {
                throw new ConfigException(a.keyPath("fcm") + ": only an android app has FCM credentials");
            }
            if (!sandbox && platform == AppConfig.Platform.IOS && apns.isEmpty()) {
                throw new ConfigException(a.keyPath("apns") + ": required for an ios app outside a sandbox workspace");
            }
            if (!sandbox && platform == AppConfig.Platform.ANDROID && fcm.isEmpty()) {
                throw new ConfigException(a.keyPath("fcm") + ": required for an android app outside a sandbox "
                        + "workspace");
            }
            apps.add(new AppConfig(appId, platform, apns, fcm));
        }
        return apps;
    }

    private static ApnsConfig apns(ConfigNode n) {
        n.allowOnly("team_id", "key_id", "signing_key", "certificate", "certificate_password", "topic",
                "environment", "server", "trusted_certificate");
        String env = n.string("environment", "production").toLowerCase(Locale.ROOT);
        ApnsConfig.Environment environment = switch (env) {
            case "production" -> ApnsConfig.Environment.PRODUCTION;
            case "development", "sandbox" -> ApnsConfig.Environment.DEVELOPMENT;
            default -> throw new ConfigException(n.keyPath("environment") + ": must be production or development, was \""
                    + env + "\"");
        };
        boolean token = n.has("signing_key");
        boolean cert = n.has("certificate");
        if (token == cert) {
            throw new ConfigException(n.path() + ": give either signing_key (with team_id and key_id) for token "
                    + "authentication or certificate (a .p12 file) for certificate authentication");
        }
        ApnsConfig.Auth auth;
        if (token) {
            Secret key = n.secret("signing_key");
            if (!key.reveal().contains("PRIVATE KEY")) {
                throw new ConfigException(n.keyPath("signing_key") + ": must be the PEM text of the .p8 key (e.g. "
                        + "${file:/run/secrets/AuthKey.p8})");
            }
            auth = new ApnsConfig.TokenAuth(n.string("team_id"), n.string("key_id"), key);
        } else {
            Path p12 = existingFile(n, "certificate");
            auth = new ApnsConfig.CertificateAuth(p12, n.optionalSecret("certificate_password")
                    .orElse(Secret.of("")));
        }
        Optional<String> server = n.optionalString("server");
        server.ifPresent(s -> {
            if (!s.matches("[A-Za-z0-9.\\-\\[\\]:]+:\\d{1,5}")) {
                throw new ConfigException(n.keyPath("server") + ": must be host:port, was \"" + s + "\"");
            }
        });
        Optional<Path> trusted = n.has("trusted_certificate") ? Optional.of(existingFile(n, "trusted_certificate"))
                : Optional.empty();
        return new ApnsConfig(n.string("topic"), environment, auth, server, trusted);
    }

    private static FcmConfig fcm(ConfigNode n) {
        n.allowOnly("project_id", "service_account", "endpoint");
        Optional<URI> endpoint = n.optionalString("endpoint").map(e -> httpUri(n.keyPath("endpoint"), e));
        Optional<Secret> account = n.optionalSecret("service_account");
        if (account.isEmpty() && endpoint.isEmpty()) {
            throw new ConfigException(n.keyPath("service_account") + ": required (the service-account JSON, e.g. "
                    + "${file:/run/secrets/fcm.json})");
        }
        account.ifPresent(a -> {
            if (!a.reveal().trim().startsWith("{")) {
                throw new ConfigException(n.keyPath("service_account") + ": must be the service-account JSON");
            }
        });
        return new FcmConfig(n.string("project_id"), account.orElse(Secret.of("{}")), endpoint);
    }

    static EmailConfig email(ConfigNode n) {
        n.allowOnly("smtp", "pool", "subscription_groups");
        ConfigNode s = n.object("smtp");
        s.allowOnly("host", "port", "starttls", "implicit_tls", "username", "password", "final_hop", "pool",
                "connect_timeout", "read_timeout");
        Optional<String> username = s.optionalString("username");
        String tls = s.string("starttls", username.isPresent() ? "required" : "optional").toLowerCase(Locale.ROOT);
        TlsMode mode = switch (tls) {
            case "disabled", "false", "off" -> TlsMode.DISABLED;
            case "optional" -> TlsMode.OPTIONAL;
            case "required", "true", "on" -> TlsMode.REQUIRED;
            default -> throw new ConfigException(s.keyPath("starttls") + ": must be disabled, optional or required, was \""
                    + tls + "\"");
        };
        boolean implicitTls = s.bool("implicit_tls", false);
        if (implicitTls && mode == TlsMode.REQUIRED && s.has("starttls")) {
            throw new ConfigException(s.keyPath("implicit_tls") + ": implicit TLS and STARTTLS exclude each other");
        }
        Optional<Secret> password = s.optionalSecret("password");
        if (password.isPresent() && username.isEmpty()) {
            throw new ConfigException(s.keyPath("username") + ": required with a password");
        }
        int pool = n.has("pool") ? n.integer("pool", 4, 1, 256) : s.integer("pool", 4, 1, 256);
        return new EmailConfig(new SmtpConfig(s.string("host"), s.integer("port", implicitTls ? 465 : 587, 1, 65535),
                implicitTls ? TlsMode.DISABLED : mode, implicitTls, username, password, s.bool("final_hop", false), pool,
                s.duration("connect_timeout", Duration.ofSeconds(10)),
                s.duration("read_timeout", Duration.ofSeconds(30))), emailGroups(n));
    }

    /** {@code email.subscription_groups}: the ids of the workspace's email subscription groups, as a list. */
    private static Set<String> emailGroups(ConfigNode n) {
        Set<String> groups = new java.util.LinkedHashSet<>();
        for (ConfigNode g : n.list("subscription_groups")) {
            if (!g.raw().isTextual() || g.asString().isBlank()) {
                throw new ConfigException(g.path() + ": must be a subscription group id (a non-empty string)");
            }
            String id = g.asString().trim();
            if (!groups.add(id)) {
                throw new ConfigException(g.path() + ": duplicate subscription group \"" + id + "\"");
            }
        }
        return groups;
    }

    static SmsConfig sms(ConfigNode n) {
        n.allowOnly("twilio", "subscription_groups");
        ConfigNode t = n.object("twilio");
        t.allowOnly("account_sid", "auth_token", "api_base");
        var twilio = new TwilioConfig(t.string("account_sid"), t.secret("auth_token"),
                t.optionalString("api_base").map(b -> httpOrigin(t.keyPath("api_base"), b)));
        Map<String, SubscriptionGroupConfig> groups = new LinkedHashMap<>();
        for (Map.Entry<String, ConfigNode> e : n.entries("subscription_groups").entrySet()) {
            ConfigNode g = e.getValue();
            if (!g.raw().isObject()) {
                throw new ConfigException(g.path() + ": must be a mapping with from or messaging_service_sid");
            }
            g.allowOnly("from", "messaging_service_sid", "mps");
            Optional<String> from = g.optionalString("from");
            Optional<String> service = g.optionalString("messaging_service_sid");
            if (from.isPresent() == service.isPresent()) {
                throw new ConfigException(g.path() + ": give exactly one of from (an E.164 number) and "
                        + "messaging_service_sid");
            }
            from.ifPresent(f -> {
                if (!E164.matcher(f).matches() && !f.matches("\\d{5,6}")) {
                    throw new ConfigException(g.keyPath("from") + ": must be an E.164 number such as +15551234567 or "
                            + "a short code, was \"" + f + "\"");
                }
            });
            double mps = g.has("mps") ? positiveNumber(g, "mps") : SubscriptionGroupConfig.defaultRate(from);
            groups.put(e.getKey(), new SubscriptionGroupConfig(from, service, mps));
        }
        return new SmsConfig(twilio, groups);
    }

    /** The messaging objects a campaign or Canvas may carry. */
    static final Set<String> MESSAGE_OBJECTS = Set.of("webhook", "email", "sms", "apple_push", "android_push");

    static List<CampaignConfig> campaigns(ConfigNode ws, String key) {
        List<CampaignConfig> out = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (ConfigNode raw : ws.list(key)) {
            String id = raw.string("id");
            if (!ids.add(id)) {
                throw new ConfigException(raw.keyPath("id") + ": duplicate id \"" + id + "\"");
            }
            ConfigNode c = raw.relabel(ws.keyPath(key) + "[" + id + "]");
            Set<String> allowed = new HashSet<>(MESSAGE_OBJECTS);
            allowed.addAll(Set.of("id", "transactional", "paused", "archived", "max_age", "name", "description",
                    "tags"));
            c.allowOnly(allowed.toArray(String[]::new));
            Map<String, com.fasterxml.jackson.databind.JsonNode> messages = new LinkedHashMap<>();
            for (String object : MESSAGE_OBJECTS) {
                c.optionalObject(object).ifPresent(o -> messages.put(object, o.raw()));
            }
            if (messages.isEmpty()) {
                throw new ConfigException(c.path() + ": needs at least one message (" + String.join(", ",
                        new java.util.TreeSet<>(MESSAGE_OBJECTS)) + ")");
            }
            boolean transactional = c.bool("transactional", false);
            if (key.equals("canvases") && transactional) {
                throw new ConfigException(c.keyPath("transactional") + ": only campaigns can be transactional");
            }
            List<String> tags = c.list("tags").stream().map(ConfigNode::asString).toList();
            out.add(new CampaignConfig(id, transactional, c.bool("paused", false), c.bool("archived", false),
                    c.optionalDuration("max_age"), messages, c.optionalString("name"),
                    c.optionalString("description"), tags));
        }
        return out;
    }

    static EventsConfig events(ConfigNode n) {
        n.allowOnly("postback_url", "signing_secret", "currents");
        Optional<URI> postback = n.optionalString("postback_url").map(u -> httpUri(n.keyPath("postback_url"), u));
        Optional<Secret> secret = n.optionalSecret("signing_secret");
        standardWebhooksSecret(n, secret);
        if (postback.isPresent() && secret.isEmpty()) {
            throw new ConfigException(n.keyPath("signing_secret") + ": required with postback_url (postbacks are "
                    + "always signed)");
        }
        return new EventsConfig(postback, secret, n.optionalObject("currents").map(ChannelConfigs::currents));
    }

    private static CurrentsConfig currents(ConfigNode n) {
        n.allowOnly("url", "token", "batch_size", "flush_interval", "event_types", "signing_secret", "max_pending");
        URI url = httpUri(n.keyPath("url"), n.string("url"));
        Set<String> types = new LinkedHashSet<>();
        for (ConfigNode t : n.list("event_types")) {
            String type = t.asString();
            if (!CurrentsConfig.EVENT_TYPES.contains(type)) {
                throw new ConfigException(t.path() + ": unknown event type \"" + type + "\" (known: "
                        + String.join(", ", CurrentsConfig.EVENT_TYPES) + ")");
            }
            types.add(type);
        }
        if (n.has("event_types") && types.isEmpty()) {
            throw new ConfigException(n.keyPath("event_types") + ": must name at least one event type (leave it out "
                    + "for all of them)");
        }
        Optional<Secret> signing = n.optionalSecret("signing_secret");
        standardWebhooksSecret(n, signing);
        return new CurrentsConfig(url, n.secret("token"), n.integer("batch_size", 100, 1, 1000),
                n.duration("flush_interval", Duration.ofSeconds(5)), types, signing,
                n.longValue("max_pending", CurrentsConfig.DEFAULT_MAX_PENDING, 1, 1_000_000_000L));
    }

    private static void standardWebhooksSecret(ConfigNode n, Optional<Secret> secret) {
        secret.ifPresent(s -> {
            String raw = s.reveal().startsWith("whsec_") ? s.reveal().substring(6) : s.reveal();
            try {
                if (java.util.Base64.getDecoder().decode(raw).length < 16) {
                    throw new IllegalArgumentException("short");
                }
            } catch (IllegalArgumentException e) {
                throw new ConfigException(n.keyPath("signing_secret") + ": must be a Standard Webhooks secret: "
                        + "whsec_ followed by base64 of at least 16 random bytes");
            }
        });
    }

    private static double positiveNumber(ConfigNode n, String key) {
        var v = n.raw().get(key);
        double d;
        if (v.isNumber()) {
            d = v.doubleValue();
        } else {
            try {
                d = Double.parseDouble(v.asText().trim());
            } catch (NumberFormatException e) {
                throw new ConfigException(n.keyPath(key) + ": must be a positive number, was " + ConfigNode.describe(v));
            }
        }
        if (!(d > 0) || d > 100_000) {
            throw new ConfigException(n.keyPath(key) + ": must be a positive number up to 100000, was "
                    + ConfigNode.describe(v));
        }
        return d;
    }

    private static Path existingFile(ConfigNode n, String key) {
        Path p = Path.of(n.string(key));
        if (!Files.isReadable(p)) {
            throw new ConfigException(n.keyPath(key) + ": file " + p + " does not exist or cannot be read");
        }
        return p;
    }

    /** An http(s) URL that is only scheme, host and port: the SDK's own paths go after it. */
    private static URI httpOrigin(String path, String text) {
        URI u = httpUri(path, text);
        if (!(u.getRawPath() == null || u.getRawPath().isEmpty()) || u.getRawQuery() != null
                || u.getRawFragment() != null) {
            throw new ConfigException(path + ": must be http(s)://host[:port] without a path, query or fragment "
                    + "(Herald adds Twilio's paths), was \"" + text + "\"");
        }
        return u;
    }

    private static URI httpUri(String path, String text) {
        try {
            URI u = new URI(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && u.getHost() != null) {
                return u;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        throw new ConfigException(path + ": must be an http(s) URL, was \"" + text + "\"");
    }
}
