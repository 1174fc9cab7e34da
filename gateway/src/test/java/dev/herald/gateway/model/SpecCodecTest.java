package dev.herald.gateway.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.channel.ApplePush;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The persisted form of the typed model: every record survives the journal, and a stored version stays readable. */
final class SpecCodecTest {
    private static DispatchSpec everything() {
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("order", "A-{{${first_name}}}");
        extra.put("n", 3);
        extra.put("price", new BigDecimal("1.50"));
        extra.put("tags", List.of("a", "b"));
        var apple = new ApplePushSpec(Optional.of(new ApplePush.Alert(Optional.of("T"), Optional.of("B"),
                Optional.of("tk"), List.of("x"), Optional.of("ak"), Optional.of("lk"), List.of("y"))), Optional.of(3),
                Optional.of("ping.caf"), extra, true, false, Optional.of("cat"), Optional.of("active"),
                Optional.of(0.5), Optional.of(Instant.parse("2026-12-06T00:00:00Z")), Optional.of("c1"), Optional.of(10),
                Optional.of("app://x"), List.of(new ApplePush.Button("b1", "URI", Optional.of("https://x"), false)),
                Optional.of("thread"), Optional.of("https://img"), Optional.of("png"), true);
        var android = new AndroidPushSpec(Optional.of("hi"), Optional.of("title"), Map.of("k", "v"), Optional.of(1),
                Optional.of("high"), Optional.of("ck"), Optional.of(60L), Optional.of("ch"), Optional.of("s"),
                Optional.of("app://y"), false, Optional.of("sum"), Optional.of(7), false);
        return DispatchSpec.builder()
                .recipients(List.of(new RecipientSpec(new Recipient.ExternalId("u1"),
                                new RecipientSpec.Properties(Map.of("a", "b"), Map.of())),
                        RecipientSpec.of(new Recipient.Alias("crm", "42")), RecipientSpec.of(new Recipient.BrazeId("x")),
                        RecipientSpec.of(new Recipient.Email("ana@example.test"))))
                .audience(Optional.of(new Audience.All(List.of(
                        new Audience.CustomAttribute("tier", Audience.Comparison.EQUALS, "gold"),
                        new Audience.Any(List.of(new Audience.SubscriptionStatus(true, true, "opted_in"),
                                new Audience.LastUsedApp(false, Instant.parse("2026-01-01T00:00:00Z")))),
                        new Audience.CustomAttribute("age", Audience.Comparison.GREATER_THAN, new BigDecimal("18.5")),
                        new Audience.CustomAttribute("vip", Audience.Comparison.EXISTS, null)))))
                .messages(List.of(
                        new WebhookSpec("https://h.test/{{${user_id}}}", "POST", Map.of("X-A", "1"), "body",
                                Optional.of("v1")),
                        new EmailSpec("Acme <a@acme.test>", Optional.of("r@acme.test"), "S", "<p>B</p>",
                                Optional.of("B"), Optional.of("pre"), Optional.of("app"), Map.of("X-H", "h"),
                                Map.of("e", 1), Optional.of("newsletter")),
                        new SmsSpec("sg-1", "text", List.of("https://img/1.png"), Optional.empty()),
                        apple, android))
                .subscriptionState(SubscriptionState.OPTED_IN).campaignId(Optional.of("camp")).sendId(Optional.of("s1"))
                .canvasId(Optional.of("canvas")).externalSendId(Optional.of("ext"))
                .properties(new RecipientSpec.Properties(Map.of("t", Map.of("nested", true)), Map.of("e", "f")))
                .build();
    }

    @Test
    void everyRecordSurvivesTheJournal() {
        DispatchSpec spec = everything();
        StoredSpec stored = StoredSpec.of(spec);
        assertEquals(SpecCodec.CURRENT, stored.version());
        assertEquals(spec, stored.decode());
    }

    @Test
    void aBroadcastSurvivesTheJournal() {
        DispatchSpec spec = DispatchSpec.builder().broadcast(true)
                .messages(List.of(new WebhookSpec("https://h.test/", "GET", Map.of(), "", Optional.empty()))).build();
        assertEquals(spec, StoredSpec.of(spec).decode());
    }

    /** A document as this version writes it: if this stops reading, an upgrade would strand stored dispatches. */
    @Test
    void aVersionOneDocumentStillReads() {
        String v1 = """
                {"recipients":[{"recipient":{"by":"external_id","id":"u1"},"properties":{"trigger":{"a":"b"},"entry":{}}}],
                 "broadcast":false,"messages":[{"type":"webhook","url":"https://h.test/","request_method":"POST",
                 "request_headers":{"X-A":"1"},"body":"hi"}],"subscription_state":"subscribed",
                 "campaign_id":"camp","properties":{"trigger":{},"entry":{}}}""";
        DispatchSpec spec = SpecCodec.decode(1, v1);
        assertEquals("external_id:u1", spec.recipients().get(0).recipient().key());
        assertEquals(Map.of("a", "b"), spec.propertiesFor("external_id:u1").trigger());
        assertEquals(new WebhookSpec("https://h.test/", "POST", Map.of("X-A", "1"), "hi", Optional.empty()),
                spec.messages().get(0));
        assertEquals(Optional.of("camp"), spec.campaignId());
        assertEquals(Optional.empty(), spec.sendId());
    }

    @Test
    void aVersionThisHeraldDoesNotKnowIsRefusedNotMisread() {
        var newer = assertThrows(SpecCodec.UnreadableSpecException.class, () -> SpecCodec.decode(2, "{}"));
        assertTrue(newer.getMessage().contains("newer Herald"), newer.getMessage());
        assertThrows(SpecCodec.UnreadableSpecException.class, () -> SpecCodec.decode(1, "{\"messages\":[{\"type\":7}]}"));
    }

    @Test
    void aRecipientsOwnPropertiesOverrideTheRequests() {
        var p = everything().propertiesFor("external_id:u1");
        assertEquals(Map.of("t", Map.of("nested", true), "a", "b"), p.trigger());
        assertEquals(Map.of("e", "f"), p.entry());
    }
}
