package dev.herald.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class ChannelConfigsTest {
    private static final String SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    private static final String PEM = "-----BEGIN PRIVATE KEY-----\\nMIGT\\n-----END PRIVATE KEY-----";

    private static HeraldConfig parse(String workspaceExtra, boolean sandbox, String top) {
        return ConfigLoader.parse(top + "\nworkspaces:\n  - id: acme\n    sandbox: " + sandbox
                + "\n    api_keys: [ { name: k, sha256: \"" + SHA + "\" } ]\n" + workspaceExtra,
                SecretResolver.withEnvironment(Map.of("SMTP_PW", "pw", "TWILIO", "tok")));
    }

    private static String error(String workspaceExtra, boolean sandbox) {
        return assertThrows(ConfigException.class, () -> parse(workspaceExtra, sandbox, "")).getMessage();
    }

    @Test
    void readsLimitsWithBrazeDefaults() {
        var ws = parse("    limits: { hourly: 1000, burst_per_second: 5 }\n", false, "").workspaces().get(0);
        assertEquals(1000, ws.limits().hourly());
        assertEquals(5, ws.limits().burstPerSecond());
        assertEquals(3000, ws.limits().usersTrackPer3s());
        assertEquals(250, ws.limits().broadcastPerMinute());
    }

    @Test
    void sandboxAppsNeedNoCredentials() {
        var ws = parse("    apps: [ { app_id: ios-app, platform: ios }, { app_id: droid, platform: android } ]\n", true, "")
                .workspaces().get(0);
        assertEquals(2, ws.apps().size());
        assertEquals(AppConfig.Platform.IOS, ws.app("ios-app").orElseThrow().platform());
    }

    @Test
    void realAppsNeedCredentials() {
        assertEquals("workspaces[acme].apps[ios-app].apns: required for an ios app outside a sandbox workspace",
                error("    apps: [ { app_id: ios-app, platform: ios } ]\n", false));
        assertTrue(error("    apps: [ { app_id: x, platform: blackberry } ]\n", true)
                .startsWith("workspaces[acme].apps[x].platform: must be ios, android or web"));
    }

    @Test
    void readsApnsTokenAuthAndFcm() {
        var ws = parse("""
                    apps:
                      - { app_id: ios-app, platform: ios, apns: { team_id: T1, key_id: K1, signing_key: "%s", topic: com.acme.app, environment: development } }
                      - { app_id: droid, platform: android, fcm: { project_id: p1, service_account: "{\\"type\\":\\"service_account\\"}" } }
                """.formatted(PEM), false, "").workspaces().get(0);
        var apns = ws.app("ios-app").orElseThrow().apns().orElseThrow();
        var token = assertInstanceOf(ApnsConfig.TokenAuth.class, apns.auth());
        assertEquals("T1", token.teamId());
        assertEquals(ApnsConfig.Environment.DEVELOPMENT, apns.environment());
        assertEquals("apns:T1/K1:development", apns.credentialKey());
        assertEquals("p1", ws.app("droid").orElseThrow().fcm().orElseThrow().projectId());
    }

    @Test
    void apnsNeedsExactlyOneKindOfAuth(@TempDir Path dir) throws Exception {
        String both = error("    apps: [ { app_id: i, platform: ios, apns: { topic: t } } ]\n", false);
        assertTrue(both.startsWith("workspaces[acme].apps[i].apns: give either signing_key"), both);
        Path p12 = dir.resolve("c.p12");
        Files.write(p12, new byte[] {1, 2});
        var ws = parse("    apps: [ { app_id: i, platform: ios, apns: { certificate: " + p12 + ", certificate_password: x, "
                + "topic: t } } ]\n", false, "").workspaces().get(0);
        assertInstanceOf(ApnsConfig.CertificateAuth.class, ws.app("i").orElseThrow().apns().orElseThrow().auth());
    }

    @Test
    void readsSmtpWithSecretsAndSafeDefaults() {
        var ws = parse("    email: { smtp: { host: mail.example, username: u, password: \"${env:SMTP_PW}\" }, pool: 2 }\n",
                false, "").workspaces().get(0);
        var smtp = ws.email().orElseThrow().smtp();
        assertEquals(587, smtp.port());
        assertEquals(TlsMode.REQUIRED, smtp.starttls(), "credentials are never sent in the clear by default");
        assertEquals("pw", smtp.password().orElseThrow().reveal());
        assertEquals(2, smtp.pool());
        assertFalse(smtp.finalHop());
        var local = parse("    email: { smtp: { host: 127.0.0.1, port: 2525, starttls: disabled } }\n", false, "")
                .workspaces().get(0).email().orElseThrow().smtp();
        assertEquals(TlsMode.DISABLED, local.starttls());
        assertTrue(error("    email: { smtp: { host: h, starttls: maybe } }\n", false)
                .startsWith("workspaces[acme].email.smtp.starttls: must be disabled, optional or required"));
    }

    @Test
    void readsSmsGroupsWithTwilioThroughputDefaults() {
        var sms = parse("""
                    sms:
                      twilio: { account_sid: ACtest, auth_token: "${env:TWILIO}" }
                      subscription_groups:
                        sg-1: { from: "+15005550006" }
                        sg-2: { from: "+18005550006" }
                        sg-3: { from: "12345" }
                        sg-4: { messaging_service_sid: MG123, mps: 10 }
                """, false, "").workspaces().get(0).sms().orElseThrow();
        assertEquals("tok", sms.twilio().authToken().reveal());
        assertEquals(1.0, sms.subscriptionGroups().get("sg-1").messagesPerSecond());
        assertEquals(3.0, sms.subscriptionGroups().get("sg-2").messagesPerSecond());
        assertEquals(100.0, sms.subscriptionGroups().get("sg-3").messagesPerSecond());
        assertEquals(Optional.of("MG123"), sms.subscriptionGroups().get("sg-4").messagingServiceSid());
        assertTrue(error("    sms: { twilio: { account_sid: A, auth_token: t }, subscription_groups: { g: { from: \"555\" } } }\n",
                false).startsWith("workspaces[acme].sms.subscription_groups.g.from: must be an E.164 number"));
    }

    @Test
    void aTwilioApiBaseWithAPathIsAConfigurationErrorNotACrashAtStart() {
        String sms = "    sms: { twilio: { account_sid: A, auth_token: t, api_base: \"%s\" }, "
                + "subscription_groups: { g: { from: \"+15005550006\" } } }\n";
        assertEquals("workspaces[acme].sms.twilio.api_base: must be http(s)://host[:port] without a path, query or "
                + "fragment (Herald adds Twilio's paths), was \"http://127.0.0.1:9/2010-04-01\"",
                error(sms.formatted("http://127.0.0.1:9/2010-04-01"), false));
        assertTrue(error(sms.formatted("http://127.0.0.1:9?x=1"), false).contains("without a path"));
        assertEquals("http://127.0.0.1:9", parse(sms.formatted("http://127.0.0.1:9/"), false, "").workspaces().get(0)
                .sms().orElseThrow().twilio().apiBase().orElseThrow().toString());
    }

    @Test
    void readsTheRedisBackend() {
        var rl = parse("", false, "ratelimit: { backend: redis, uri: \"redis://127.0.0.1:6379\", nodes: 3 }").ratelimit();
        assertEquals(RateLimitConfig.Backend.REDIS, rl.backend());
        assertEquals(3, rl.nodes());
        var e = assertThrows(ConfigException.class, () -> parse("", false, "ratelimit: { backend: redis }"));
        assertEquals("ratelimit.uri: required when backend is redis", e.getMessage());
    }

    @Test
    void ingressLimitsAreOnUnlessTurnedOff() {
        assertTrue(parse("", false, "").ratelimit().enabled());
        assertFalse(parse("", false, "ratelimit: { enabled: false }").ratelimit().enabled());
    }

    private static Optional<CurrentsConfig> currents(String currentsYaml) {
        return parse("    events:\n      currents: " + currentsYaml + "\n", false, "").workspaces().get(0).events()
                .currents();
    }

    private static String currentsError(String currentsYaml) {
        return error("    events:\n      currents: " + currentsYaml + "\n", false);
    }

    @Test
    void aWorkspaceHasNoEventStreamUnlessConfigured() {
        assertTrue(parse("", false, "").workspaces().get(0).events().currents().isEmpty());
        assertTrue(parse("    events: { postback_url: \"https://p.example.test/in\", signing_secret: \"whsec_"
                + "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\" }\n", false, "").workspaces().get(0).events().currents().isEmpty(),
                "postbacks alone are not a stream");
    }

    @Test
    void readsTheEventStreamWithDefaults() {
        CurrentsConfig c = currents("{ url: \"https://currents.example.test/in\", token: \"${env:TWILIO}\" }")
                .orElseThrow();
        assertEquals("https://currents.example.test/in", c.url().toString());
        assertEquals("tok", c.token().reveal());
        assertEquals(100, c.batchSize());
        assertEquals(Duration.ofSeconds(5), c.flushInterval());
        assertEquals(Set.of(), c.eventTypes(), "none named: all of them");
        for (String type : CurrentsConfig.EVENT_TYPES) {
            assertTrue(c.wants(type), type);
        }
        assertEquals(Optional.empty(), c.signingSecret());
        assertEquals(CurrentsConfig.DEFAULT_MAX_PENDING, c.maxPending());
        assertFalse(c.toString().contains("tok,") || c.toString().contains("=tok"), "the token is not printed: " + c);
    }

    @Test
    void readsEveryKeyOfTheEventStream() {
        String secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        CurrentsConfig c = currents("""
                { url: "http://127.0.0.1:8080/currents", token: t0k, batch_size: 10, flush_interval: 200ms,
                          event_types: [users.messages.sms.Send, users.messages.sms.Delivery, users.messages.sms.Send],
                          signing_secret: "%s", max_pending: 5000 }""".formatted(secret)).orElseThrow();
        assertEquals(10, c.batchSize());
        assertEquals(Duration.ofMillis(200), c.flushInterval());
        assertEquals(Set.of("users.messages.sms.Send", "users.messages.sms.Delivery"), c.eventTypes());
        assertTrue(c.wants("users.messages.sms.Delivery"));
        assertFalse(c.wants("users.messages.email.Send"));
        assertEquals(secret, c.signingSecret().orElseThrow().reveal());
        assertEquals(5000, c.maxPending());
    }

    @Test
    void anUnknownEventTypeIsRefusedNamingItsPlace() {
        String message = currentsError("{ url: \"https://c.example.test\", token: t, event_types: "
                + "[users.messages.sms.Send, users.messages.sms.Sent] }");
        assertTrue(message.startsWith("workspaces[acme].events.currents.event_types[1]: unknown event type "
                + "\"users.messages.sms.Sent\""), message);
        assertTrue(message.contains("users.messages.pushnotification.Bounce"), "the known ones are listed: " + message);
        String first = currentsError("{ url: \"https://c.example.test\", token: t, event_types: [email.Send] }");
        assertTrue(first.startsWith("workspaces[acme].events.currents.event_types[0]: unknown event type"), first);
        String none = currentsError("{ url: \"https://c.example.test\", token: t, event_types: [] }");
        assertTrue(none.startsWith("workspaces[acme].events.currents.event_types: must name at least one event "
                + "type"), none);
    }

    @Test
    void anUnknownKeyAndAMissingTokenOrUrlAreRefused() {
        String unknown = currentsError("{ url: \"https://c.example.test\", token: t, batchsize: 5 }");
        assertTrue(unknown.startsWith("workspaces[acme].events.currents.batchsize: unknown key"), unknown);
        assertEquals("workspaces[acme].events.currents.token: required",
                currentsError("{ url: \"https://c.example.test\" }"));
        assertEquals("workspaces[acme].events.currents.url: required", currentsError("{ token: t }"));
        assertEquals("workspaces[acme].events.currents.url: must be an http(s) URL, was \"ftp://c.example.test\"",
                currentsError("{ url: \"ftp://c.example.test\", token: t }"));
        String unknownInEvents = error("    events: { currents: { url: \"https://c.example.test\", token: t }, "
                + "stream: {} }\n", false);
        assertTrue(unknownInEvents.startsWith("workspaces[acme].events.stream: unknown key"), unknownInEvents);
    }

    @Test
    void badEventStreamValuesNameTheirKey() {
        String base = "{ url: \"https://c.example.test\", token: t, ";
        assertTrue(currentsError(base + "batch_size: 0 }").startsWith(
                "workspaces[acme].events.currents.batch_size: must be between 1 and 1000"));
        assertTrue(currentsError(base + "batch_size: 1001 }").startsWith(
                "workspaces[acme].events.currents.batch_size: must be between 1 and 1000"));
        assertTrue(currentsError(base + "flush_interval: soon }").startsWith(
                "workspaces[acme].events.currents.flush_interval: must be a duration"));
        assertTrue(currentsError(base + "max_pending: 0 }").startsWith(
                "workspaces[acme].events.currents.max_pending: must be between 1"));
        for (String weak : List.of("whsec_c2hvcnQ=", "not base64 at all!")) {
            String message = currentsError(base + "signing_secret: \"" + weak + "\" }");
            assertTrue(message.startsWith("workspaces[acme].events.currents.signing_secret: must be a Standard "
                    + "Webhooks secret"), message);
            assertFalse(message.contains(weak), "the secret is not printed: " + message);
        }
    }
}
