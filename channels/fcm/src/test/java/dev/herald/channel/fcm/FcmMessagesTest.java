package dev.herald.channel.fcm;

import static dev.herald.channel.fcm.FcmPeer.map;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.google.api.client.json.GenericJson;
import com.google.api.client.json.gson.GsonFactory;
import com.google.firebase.messaging.AndroidNotification;
import dev.herald.channel.AndroidPush;
import dev.herald.channel.AndroidPushMessage;
import dev.herald.channel.DeliveryRef;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

final class FcmMessagesTest {

    @ParameterizedTest
    @CsvSource({"-3, MIN", "-2, MIN", "-1, LOW", "0, DEFAULT", "1, HIGH", "2, MAX", "7, MAX"})
    void mapsBrazePriorityToAndroidNotificationPriorityClampingOutliers(int braze, AndroidNotification.Priority fcm) {
        assertEquals(fcm, FcmMessages.notificationPriority(braze));
    }

    @ParameterizedTest
    @CsvSource({"-5, 0", "0, 0", "3600, 3600", "2419200, 2419200", "2419201, 2419200", "99999999, 2419200"})
    void clampsTimeToLiveIntoFcmsRange(long givenSeconds, long sentSeconds) {
        assertEquals(Duration.ofSeconds(sentSeconds), FcmMessages.clampTtl(Duration.ofSeconds(givenSeconds)));
    }

    @Test
    void deliveryPriorityIsCaseInsensitiveAndUnknownValuesLeaveFcmsDefault() throws Exception {
        assertEquals("normal", android(withAndroidPriority("NORMAL")).get("priority"));
        assertNull(android(withAndroidPriority("urgent")).get("priority"));
    }

    @Test
    void aPlainNotificationCarriesNoDataAndNoTtl() throws Exception {
        var message = wire(AndroidPush.notification("Hi", "Hello"));
        var android = map(message.get("android"));
        assertNull(android.get("ttl"), "FCM's default (4 weeks) applies");
        assertEquals(Map.of("title", "Hi", "body", "Hello"), android.get("notification"));
        var data = message.get("data");
        assertEquals(true, data == null || map(data).isEmpty(), "no data: " + data);
    }

    private static AndroidPush withAndroidPriority(String value) {
        return new AndroidPush(Optional.of("a"), Optional.of("t"), Map.of(), Optional.empty(), Optional.of(value),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), false,
                Optional.empty(), Optional.empty(), Optional.empty());
    }

    private static Map<String, Object> android(AndroidPush push) throws Exception {
        return map(wire(push).get("android"));
    }

    /** The message as the SDK serializes it into the request's {@code message} object. */
    private static Map<String, Object> wire(AndroidPush push) throws Exception {
        var m = FcmMessages.toMessage(new AndroidPushMessage(new DeliveryRef(UUID.randomUUID(), 1), "tok", push));
        var json = GsonFactory.getDefaultInstance();
        return json.createJsonParser(json.toString(m)).parse(GenericJson.class);
    }
}
