package dev.herald.channel.apns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.eatthepath.json.JsonParser;
import com.eatthepath.pushy.apns.DeliveryPriority;
import com.eatthepath.pushy.apns.PushType;
import dev.herald.channel.ApplePush;
import dev.herald.channel.ApplePushMessage;
import dev.herald.channel.DeliveryRef;
import dev.herald.channel.support.LastValue;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The payload and header mapping, without a network. */
final class ApnsPayloadsTest {
    private static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");

    private static Map<String, Object> json(ApplePush push) throws Exception {
        return new JsonParser().parseJsonObject(ApnsPayloads.payload(push));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> aps(ApplePush push) throws Exception {
        return (Map<String, Object>) json(push).get("aps");
    }

    @Test
    void aBodyOnlyAlertIsAPlainString() throws Exception {
        assertEquals(Map.of("alert", "Your order shipped"),
                aps(ApplePush.builder().alert(ApplePush.Alert.of("Your order shipped")).build()));
    }

    @Test
    void aRichAlertIsApplesDictionaryWithLocalization() throws Exception {
        var alert = new ApplePush.Alert(Optional.of("Hi"), Optional.of("Body"), Optional.of("T_KEY"),
                List.of("a", "b"), Optional.of("VIEW"), Optional.of("M_KEY"), List.of("c"));
        assertEquals(Map.of("title", "Hi", "body", "Body", "title-loc-key", "T_KEY",
                        "title-loc-args", List.of("a", "b"), "action-loc-key", "VIEW", "loc-key", "M_KEY",
                        "loc-args", List.of("c")),
                aps(ApplePush.builder().alert(alert).build()).get("alert"));
    }

    @Test
    void apsCarriesEveryTypedField() throws Exception {
        ApplePush push = ApplePush.builder().alert(ApplePush.Alert.of("x")).badge(0).sound("chime.caf")
                .category("INVITE").threadId("t1").interruptionLevel("time-sensitive").relevanceScore(0.5)
                .contentAvailable(true).mutableContent(true).build();
        Map<String, Object> aps = aps(push);
        assertEquals(0L, aps.get("badge"));
        assertEquals("chime.caf", aps.get("sound"));
        assertEquals("INVITE", aps.get("category"));
        assertEquals("t1", aps.get("thread-id"));
        assertEquals("time-sensitive", aps.get("interruption-level"));
        assertEquals(0.5, aps.get("relevance-score"));
        assertEquals(1L, aps.get("content-available"));
        assertEquals(1L, aps.get("mutable-content"));
    }

    @Test
    void brazeKeysCarryTheUriMediaButtonsAndExtras() throws Exception {
        ApplePush push = ApplePush.builder().alert(ApplePush.Alert.of("x"))
                .customUri("https://acme.test/deal").asset("https://cdn.test/v.mp4", "mp4")
                .button(new ApplePush.Button("accept", "URI", Optional.of("acme://accept"), false))
                .button(new ApplePush.Button("decline", "CLOSE", Optional.empty(), true))
                .extra("campaign", "fall").extra("ids", List.of(1, 2)).extra("meta", Map.of("k", "v")).build();
        Map<String, Object> json = json(push);
        assertEquals("https://acme.test/deal", json.get("ab_uri"));
        assertEquals(Map.of(
                "att", Map.of("url", "https://cdn.test/v.mp4", "type", "mp4"),
                "buttons", List.of(
                        Map.of("action_id", "accept", "action", "URI", "uri", "acme://accept", "use_webview", false),
                        Map.of("action_id", "decline", "action", "CLOSE", "use_webview", true))),
                json.get("ab"));
        assertEquals("fall", json.get("campaign"));
        assertEquals(List.of(1L, 2L), json.get("ids"));
        assertEquals(Map.of("k", "v"), json.get("meta"));
        assertEquals(1L, aps(push).get("mutable-content"), "the Braze extension must run to fetch the media");
    }

    @Test
    void extrasMayNotReplaceTheApsOrBrazeDictionary() {
        for (String reserved : List.of("aps", "ab")) {
            var e = assertThrows(IllegalArgumentException.class,
                    () -> ApnsPayloads.payload(ApplePush.builder().extra(reserved, Map.of()).build()));
            assertEquals("extra must not contain the key \"" + reserved + "\"", e.getMessage());
        }
    }

    @Test
    void headersCarryTheDeliveryIdTopicExpiryAndCollapseId() {
        UUID id = UUID.randomUUID();
        Instant expiry = NOW.plus(Duration.ofMinutes(15));
        var m = new ApplePushMessage(new DeliveryRef(id, 3), "<AAAA BBBB>", "com.acme.app",
                ApplePush.builder().alert(ApplePush.Alert.of("x")).expiry(expiry).collapseId("c-1").build());
        var n = ApnsPayloads.notification(m, NOW);
        assertEquals(id, n.getApnsId());
        assertEquals("AAAABBBB", n.getToken(), "spaces and brackets from a pasted token are dropped");
        assertEquals("com.acme.app", n.getTopic());
        assertEquals(expiry, n.getExpiration());
        assertEquals("c-1", n.getCollapseId());
        assertEquals(PushType.ALERT, n.getPushType());
        assertEquals(DeliveryPriority.IMMEDIATE, n.getPriority());
    }

    @Test
    void withoutExpiryAPushLivesADay() {
        var m = new ApplePushMessage(new DeliveryRef(UUID.randomUUID(), 1), "aa", "t",
                ApplePush.builder().badge(1).build());
        assertEquals(NOW.plus(Duration.ofHours(24)), ApnsPayloads.notification(m, NOW).getExpiration());
    }

    @ParameterizedTest(name = "content-available={0} alert={1} priority={2} -> {3} {4}")
    @CsvSource({
            "true,  false, ,   BACKGROUND, CONSERVE_POWER",
            "true,  true,  ,   ALERT,      IMMEDIATE",
            "false, true,  ,   ALERT,      IMMEDIATE",
            "false, true,  5,  ALERT,      CONSERVE_POWER",
            "false, true,  1,  ALERT,      CONSERVE_POWER",
            "true,  false, 10, BACKGROUND, IMMEDIATE",
    })
    void choosesPushTypeAndPriority(boolean contentAvailable, boolean alert, Integer priority, PushType type,
                                    DeliveryPriority expected) {
        ApplePush.Builder b = ApplePush.builder().contentAvailable(contentAvailable);
        if (alert) {
            b.alert(ApplePush.Alert.of("x"));
        }
        if (priority != null) {
            b.apnsPriority(priority);
        }
        ApplePush push = b.build();
        assertEquals(type, ApnsPayloads.pushType(push));
        assertEquals(expected, ApnsPayloads.priority(push, type));
    }

    @Test
    void refusesValuesApnsWouldReject() {
        var priority = ApplePush.builder().apnsPriority(11).build();
        assertEquals("apns_priority must be 1-10, was 11", assertThrows(IllegalArgumentException.class,
                () -> ApnsPayloads.priority(priority, PushType.ALERT)).getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> ApnsPayloads.payload(ApplePush.builder().interruptionLevel("urgent").build()));
        assertThrows(IllegalArgumentException.class,
                () -> ApnsPayloads.payload(ApplePush.builder().relevanceScore(1.5).build()));
    }

    @Test
    void thePayloadLimitIs4096Utf8Bytes() {
        // {"aps":{"alert":""}} is 20 bytes around the text.
        var fits = new ApplePushMessage(new DeliveryRef(UUID.randomUUID(), 1), "aa", "t",
                ApplePush.builder().alert(ApplePush.Alert.of("x".repeat(4096 - 20))).build());
        assertEquals(4096, ApnsPayloads.notification(fits, NOW).getPayload().length());
        var over = new ApplePushMessage(new DeliveryRef(UUID.randomUUID(), 1), "aa", "t",
                ApplePush.builder().alert(ApplePush.Alert.of("é".repeat(2100))).build());
        var e = assertThrows(IllegalArgumentException.class, () -> ApnsPayloads.notification(over, NOW));
        assertEquals("payload is 4220 bytes, APNs accepts at most 4096", e.getMessage());
    }

    @Test
    void aSendToManyUsersBuildsItsPayloadOnceAndAPersonalisedOneIsBuiltForEach() {
        var payloads = new LastValue<ApplePush, ApnsPayloads.Payload>();
        var first = new ApplePushMessage(new DeliveryRef(UUID.randomUUID(), 1), "aa", "t",
                ApplePush.builder().alert(ApplePush.Alert.of("Sale")).badge(1).build());
        var second = new ApplePushMessage(new DeliveryRef(UUID.randomUUID(), 1), "bb", "t",
                ApplePush.builder().alert(ApplePush.Alert.of("Sale")).badge(1).build()); // equal, not the same
        var n1 = ApnsPayloads.notification(first, NOW, payloads);
        var n2 = ApnsPayloads.notification(second, NOW, payloads);
        assertSame(n1.getPayload(), n2.getPayload());
        assertEquals("bb", n2.getToken());
        assertEquals(second.delivery().id(), n2.getApnsId());
        var personal = new ApplePushMessage(new DeliveryRef(UUID.randomUUID(), 1), "cc", "t",
                ApplePush.builder().alert(ApplePush.Alert.of("Sale, Ada")).badge(1).build());
        assertEquals("{\"aps\":{\"badge\":1,\"alert\":\"Sale, Ada\"}}",
                ApnsPayloads.notification(personal, NOW, payloads).getPayload());
        var over = new ApplePushMessage(new DeliveryRef(UUID.randomUUID(), 1), "aa", "t",
                ApplePush.builder().alert(ApplePush.Alert.of("é".repeat(2100))).build());
        for (int i = 0; i < 2; i++) { // the remembered size is checked too
            assertThrows(IllegalArgumentException.class, () -> ApnsPayloads.notification(over, NOW, payloads));
        }
    }

    @Test
    void plainHexTokensPassAsTheyAreAndOthersAreCleanedAsPushyDoes() {
        String hex = "a1B2".repeat(16);
        assertEquals(hex, ApnsPayloads.sanitizedToken(hex));
        assertEquals("a1b2c3d4", ApnsPayloads.sanitizedToken("<a1b2 c3d4>"));
    }
}
