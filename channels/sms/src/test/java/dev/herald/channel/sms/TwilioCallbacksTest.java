package dev.herald.channel.sms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.channel.sms.CallbackStatus.State;
import dev.herald.config.Secret;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

final class TwilioCallbacksTest {
    private static final Secret AUTH_TOKEN = Secret.of("f00dfeed0123456789abcdef01234567");
    private static final String URL = "https://herald.example.com/herald/v1/callbacks/twilio/acme";
    private static final String SID = "SM3b1c9f0e5d2a4c8e9f7a6b5c4d3e2f10";

    /** A delivered callback with the parameters Twilio sends. */
    private static Map<String, String> delivered() {
        return Map.of("MessageSid", SID, "SmsSid", SID, "AccountSid", "AC0123456789abcdef0123456789abcdef",
                "From", "+15005550006", "To", "+15558675310", "MessageStatus", "delivered", "SmsStatus", "delivered",
                "ApiVersion", "2010-04-01", "RawDlrDoneDate", "2611231000");
    }

    /** Base64(HMAC-SHA1(authToken, url + each key and value, sorted by key)), as Twilio computes it. */
    private static String sign(String token, String url, Map<String, String> params) throws Exception {
        var data = new StringBuilder(url);
        new TreeMap<>(params).forEach((k, v) -> data.append(k).append(v));
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(token.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
        return Base64.getEncoder().encodeToString(mac.doFinal(data.toString().getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aCallbackSignedWithTheAuthTokenVerifies() throws Exception {
        var params = delivered();
        assertTrue(TwilioCallbacks.verify(AUTH_TOKEN, URL, params, sign(AUTH_TOKEN.reveal(), URL, params)));
    }

    @Test
    void theDefaultPortMayBePresentOnEitherSide() throws Exception {
        var params = delivered();
        String signedWithoutPort = sign(AUTH_TOKEN.reveal(), URL, params);
        String withPort = "https://herald.example.com:443/herald/v1/callbacks/twilio/acme";
        assertTrue(TwilioCallbacks.verify(AUTH_TOKEN, withPort, params, signedWithoutPort));
    }

    @Test
    void aSignatureMadeWithAnotherTokenIsRejected() throws Exception {
        var params = delivered();
        assertFalse(TwilioCallbacks.verify(AUTH_TOKEN, URL, params, sign("another-token", URL, params)));
    }

    @Test
    void aMissingOrBlankSignatureIsRejected() {
        assertFalse(TwilioCallbacks.verify(AUTH_TOKEN, URL, delivered(), null));
        assertFalse(TwilioCallbacks.verify(AUTH_TOKEN, URL, delivered(), " "));
    }

    @Test
    void aTamperedAddedOrRedirectedCallbackIsRejected() throws Exception {
        String signature = sign(AUTH_TOKEN.reveal(), URL, delivered());
        var tampered = new HashMap<>(delivered());
        tampered.put("MessageStatus", "failed");
        assertFalse(TwilioCallbacks.verify(AUTH_TOKEN, URL, tampered, signature));
        var added = new HashMap<>(delivered());
        added.put("ErrorCode", "30006");
        assertFalse(TwilioCallbacks.verify(AUTH_TOKEN, URL, added, signature));
        assertFalse(TwilioCallbacks.verify(AUTH_TOKEN, URL.replace("acme", "other"), delivered(), signature));
    }

    @Test
    void anEmptyAuthTokenVerifiesNothing() throws Exception {
        // HMAC refuses an empty key, so no signature can match; verify answers false rather than throwing.
        String signature = sign(AUTH_TOKEN.reveal(), URL, delivered());
        assertFalse(TwilioCallbacks.verify(Secret.of(""), URL, delivered(), signature));
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource({
        "queued,,SENT",
        "accepted,,SENT",
        "scheduled,,SENT",
        "sending,,SENT",
        "sent,,SENT",
        "delivered,,DELIVERED",
        "read,,DELIVERED",
        "undelivered,30003,UNDELIVERED",
        "undelivered,30005,UNDELIVERED",
        "undelivered,30006,UNDELIVERED",
        "undelivered,30007,UNDELIVERED",
        "undelivered,30008,UNDELIVERED",
        "failed,30005,BOUNCED",
        "failed,30006,BOUNCED",
        "failed,21211,BOUNCED",
        "failed,30007,FAILED",
        "failed,30008,FAILED",
        "failed,,FAILED",
        "canceled,,FAILED",
    })
    void mapsTwilioStatusesToDeliveryStates(String messageStatus, Integer errorCode, State expected) {
        var params = new HashMap<String, String>(Map.of("MessageSid", SID, "MessageStatus", messageStatus));
        if (errorCode != null) {
            params.put("ErrorCode", errorCode.toString());
        }
        var status = TwilioCallbacks.status(params).orElseThrow();
        assertEquals(new CallbackStatus(SID, expected, messageStatus, Optional.ofNullable(errorCode)), status);
    }

    @Test
    void aFailedCallbackFor21610SaysTheRecipientUnsubscribed() {
        var status = TwilioCallbacks.status(Map.of("MessageSid", SID, "MessageStatus", "failed", "ErrorCode", "21610"))
                .orElseThrow();
        assertEquals(State.FAILED, status.state());
        assertTrue(status.unsubscribed());
        assertFalse(TwilioCallbacks.status(delivered()).orElseThrow().unsubscribed());
    }

    @Test
    void readsTheLegacySmsParametersWhenTheMessageOnesAreAbsent() {
        var status = TwilioCallbacks.status(Map.of("SmsSid", SID, "SmsStatus", "sent")).orElseThrow();
        assertEquals(new CallbackStatus(SID, State.SENT, "sent", Optional.empty()), status);
    }

    @ParameterizedTest(name = "MessageStatus={0}")
    @ValueSource(strings = {"received", "receiving", "exploded", ""})
    void ignoresInboundAndUnknownStatuses(String messageStatus) {
        var params = Map.of("MessageSid", SID, "MessageStatus", messageStatus);
        assertEquals(Optional.empty(), TwilioCallbacks.status(params));
    }

    @Test
    void ignoresACallbackWithoutAMessageSid() {
        assertEquals(Optional.empty(), TwilioCallbacks.status(Map.of("MessageStatus", "delivered")));
    }

    @Test
    void anErrorCodeThatIsNotANumberIsDropped() {
        var status = TwilioCallbacks.status(Map.of("MessageSid", SID, "MessageStatus", "undelivered", "ErrorCode", "x"))
                .orElseThrow();
        assertEquals(Optional.empty(), status.errorCode());
    }
}
