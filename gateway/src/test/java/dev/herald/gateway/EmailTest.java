package dev.herald.gateway;

import static dev.herald.gateway.GatewayFixture.KEY;
import static dev.herald.gateway.GatewayFixture.SB_KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.herald.config.ConfigLoader;
import dev.herald.config.SecretResolver;
import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.subethamail.smtp.RejectException;

/** Personalised email end to end: /users/track, /messages/send, a real SMTP relay on loopback. */
final class EmailTest {
    @RegisterExtension
    static final GreenMailExtension greenMail = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    @TempDir
    Path dir;

    private GatewayFixture start(int smtpPort) throws Exception {
        String yaml = GatewayFixture.yaml(dir, "").replace("\n  - id: other", "\n    email: { smtp: { host: 127.0.0.1, "
                + "port: " + smtpPort + ", starttls: disabled, pool: 2 } }\n  - id: other");
        var config = ConfigLoader.parse(yaml, SecretResolver.withEnvironment(Map.of()));
        return GatewayFixture.start(dir, config, Herald.Overrides.none());
    }

    private static String emailTo(String users, String subject, String body) {
        return "{\"external_user_ids\":[" + users + "],\"messages\":{\"email\":{\"app_id\":\"a\",\"from\":"
                + "\"Acme <no-reply@acme.test>\",\"subject\":\"" + subject + "\",\"body\":\"" + body + "\"}}}";
    }

    @Test
    void deliversPersonalisedMailWithHtmlTextAndAMessageIdFromTheDeliveryId() throws Exception {
        try (var gw = start(greenMail.getSmtp().getPort())) {
            var tracked = gw.post("/users/track", KEY, """
                    {"attributes":[{"external_id":"ana","email":"ana@example.test","first_name":"Ana","tier":"gold"},
                                   {"external_id":"bo","email":"bo@example.test"}]}""");
            assertEquals(2, tracked.json().path("attributes_processed").asInt(), tracked.raw());
            String id = gw.accept(emailTo("\"ana\",\"bo\",\"nobody\"", "Hi {{${first_name} | default: 'there'}}",
                    "<p>Tier {{custom_attribute.${tier} | default: 'none'}}</p>"));
            JsonNode status = gw.awaitStatus(id, GatewayFixture::settled);
            assertTrue(greenMail.waitForIncomingEmail(10_000, 2));
            MimeMessage[] mails = greenMail.getReceivedMessages();
            assertEquals(2, mails.length);
            var bySubject = new java.util.HashMap<String, MimeMessage>();
            for (MimeMessage m : mails) {
                bySubject.put(m.getSubject(), m);
            }
            MimeMessage ana = bySubject.get("Hi Ana");
            assertEquals("Hi there", bySubject.keySet().stream().filter(s -> !s.equals("Hi Ana")).findFirst().orElseThrow());
            assertEquals("Acme <no-reply@acme.test>", ana.getHeader("From")[0]);
            var parts = (Multipart) ana.getContent();
            assertTrue(GreenMailUtil.getBody(parts.getBodyPart(0)).contains("Tier gold"));
            assertTrue(parts.getBodyPart(1).getContentType().startsWith("text/html"));
            String anaDelivery = null;
            for (JsonNode d : status.path("deliveries")) {
                if (d.path("address").asText().equals("ana@example.test")) {
                    anaDelivery = d.path("id").asText();
                    assertEquals("sent", d.path("status").asText(), "a relay's 250 is sent, not delivered");
                    assertEquals(ana.getMessageID(), d.path("provider_message_id").asText());
                }
                if (d.path("recipient").asText().equals("external_id:nobody")) {
                    assertEquals("aborted", d.path("status").asText());
                    assertTrue(d.path("last_error").asText().startsWith("User not emailable"));
                }
            }
            assertTrue(ana.getMessageID().startsWith("<" + anaDelivery + "@"), ana.getMessageID());
        }
    }

    @Test
    void aDeadMailboxBouncesIsMarkedAndSkippedUntilTakenOffTheBounceList() throws Exception {
        try (var relay = new RelayPeer(); var gw = start(relay.port())) {
            relay.answer(r -> r.startsWith("dead@") ? new RejectException(550, "5.1.1 <dead@example.test>: no such user")
                    : null);
            gw.post("/users/track", KEY, "{\"attributes\":[{\"external_id\":\"d\",\"email\":\"dead@example.test\"}]}");
            String first = gw.accept(emailTo("\"d\"", "one", "x"));
            JsonNode bounced = gw.awaitStatus(first, GatewayFixture::settled);
            assertEquals("bounced", bounced.path("deliveries").get(0).path("status").asText(), bounced.toString());
            String second = gw.accept(emailTo("\"d\"", "two", "x"));
            JsonNode skipped = gw.awaitStatus(second, GatewayFixture::settled);
            assertEquals("aborted", skipped.path("deliveries").get(0).path("status").asText());
            assertTrue(skipped.path("deliveries").get(0).path("last_error").asText().contains("bounced"));
            relay.answer(r -> null);
            // Braze keys bounces by address: the address stays on the bounce list until it is taken off it.
            assertEquals(201, gw.post("/email/bounce/remove", KEY, "{\"email\":\"dead@example.test\"}").status());
            String third = gw.accept(emailTo("\"d\"", "three", "x"));
            assertEquals("sent", gw.awaitStatus(third, GatewayFixture::settled).path("deliveries").get(0)
                    .path("status").asText());
        }
    }

    @Test
    void aPolicyRejectionFailsWithoutMarkingTheAddress() throws Exception {
        try (var relay = new RelayPeer(); var gw = start(relay.port())) {
            relay.answer(r -> new RejectException(550, "5.7.1 rejected by policy"));
            gw.post("/users/track", KEY, "{\"attributes\":[{\"external_id\":\"p\",\"email\":\"p@example.test\"}]}");
            JsonNode s = gw.awaitStatus(gw.accept(emailTo("\"p\"", "s", "x")), GatewayFixture::settled);
            assertEquals("failed", s.path("deliveries").get(0).path("status").asText(), s.toString());
            relay.answer(r -> null);
            JsonNode again = gw.awaitStatus(gw.accept(emailTo("\"p\"", "s", "x")), GatewayFixture::settled);
            assertEquals("sent", again.path("deliveries").get(0).path("status").asText(), again.toString());
        }
    }

    @Test
    void aRestartDuringRetriesLosesNothing() throws Exception {
        int port;
        String id;
        try (var relay = new RelayPeer()) {
            port = relay.port();
            relay.answer(r -> new RejectException(451, "4.3.0 try again later"));
            try (var gw = start(port)) {
                gw.post("/users/track", KEY, "{\"attributes\":[{\"external_id\":\"r\",\"email\":\"r@example.test\"}]}");
                id = gw.accept(emailTo("\"r\"", "retry me", "x"));
                gw.awaitStatus(id, s -> s.path("deliveries").get(0).path("attempts").asInt() >= 1
                        && s.path("deliveries").get(0).path("last_error").asText().startsWith("451"));
            }
        }
        try (var relay = new RelayPeer(port); var gw = start(port)) {
            JsonNode s = gw.awaitStatus(id, GatewayFixture::settled);
            assertEquals("sent", s.path("deliveries").get(0).path("status").asText(), s.toString());
            assertEquals(1, relay.received().size());
        }
    }

    @Test
    void unsubscribedUsersAreSkippedUnlessTheSendIsForAll() throws Exception {
        try (var gw = start(greenMail.getSmtp().getPort())) {
            gw.post("/users/track", KEY, "{\"attributes\":[{\"external_id\":\"u\",\"email\":\"u@example.test\","
                    + "\"email_subscribe\":\"unsubscribed\"}]}");
            JsonNode skipped = gw.awaitStatus(gw.accept(emailTo("\"u\"", "s", "x")), GatewayFixture::settled);
            assertEquals("User is unsubscribed from email", skipped.path("deliveries").get(0).path("last_error").asText());
            String all = emailTo("\"u\"", "s", "x").replace("\"messages\"", "\"recipient_subscription_state\":\"all\","
                    + "\"messages\"");
            JsonNode sent = gw.awaitStatus(gw.accept(all), GatewayFixture::settled);
            assertEquals("sent", sent.path("deliveries").get(0).path("status").asText());
        }
    }

    @Test
    void theSandboxBouncesPlusBounceAndRetriesPlusRetryOnce() throws Exception {
        try (var gw = GatewayFixture.start(dir)) {
            gw.post("/users/track", SB_KEY, "{\"attributes\":[{\"external_id\":\"b\",\"email\":\"x+bounce@example.test\"},"
                    + "{\"external_id\":\"r\",\"email\":\"x+retry@example.test\"}]}");
            JsonNode s = gw.awaitStatus(SB_KEY, gw.accept(SB_KEY, emailTo("\"b\",\"r\"", "s", "x")),
                    GatewayFixture::settled);
            for (JsonNode d : s.path("deliveries")) {
                if (d.path("address").asText().startsWith("x+bounce")) {
                    assertEquals("bounced", d.path("status").asText());
                } else {
                    assertEquals("sent", d.path("status").asText());
                    assertEquals(2, d.path("attempts").asInt());
                }
            }
        }
    }
}
