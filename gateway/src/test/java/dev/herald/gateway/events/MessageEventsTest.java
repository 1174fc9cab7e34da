package dev.herald.gateway.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.channel.Channel;
import dev.herald.channel.SendOutcome;
import dev.herald.config.CurrentsConfig;
import dev.herald.gateway.delivery.StateChange;
import dev.herald.gateway.model.DeliveryStatus;
import dev.herald.gateway.model.DispatchKind;
import dev.herald.gateway.model.DispatchSpec;
import dev.herald.gateway.model.Lane;
import dev.herald.gateway.model.SmsSpec;
import dev.herald.gateway.store.DeliveryRow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The mapping from a delivery's change of state to Braze's message events, per channel: which events, in which
 * order, with which of their fields.
 */
final class MessageEventsTest {
    private static final Instant AT = Instant.parse("2026-12-06T12:00:00Z");
    private static final String HOOK_URL = "https://hooks.example.test/in/orders?x=1";
    private static final String EMAIL = "ana@example.test";
    private static final String PHONE = "+15551230001";
    private static final String TOKEN = "a".repeat(64);

    private static String address(Channel channel) {
        return switch (channel) {
            case WEBHOOK -> HOOK_URL;
            case EMAIL -> EMAIL;
            case SMS -> PHONE;
            case APPLE_PUSH -> TOKEN;
            case ANDROID_PUSH -> "fcm-token-1";
        };
    }

    private static DeliveryRow row(Channel channel, String address, int attempts) {
        boolean push = channel == Channel.APPLE_PUSH || channel == Channel.ANDROID_PUSH;
        return new DeliveryRow(UUID.randomUUID(), "dispatch-1", "ws", channel, "external_id:ana", address,
                channel.name().toLowerCase(java.util.Locale.ROOT), Lane.STANDARD, DeliveryStatus.SENDING, attempts,
                AT, AT.plus(Duration.ofHours(24)), Optional.empty(), Optional.empty(), Optional.empty(), AT, AT,
                Optional.of(7L), push ? Optional.of(channel == Channel.APPLE_PUSH ? "ios-main" : "droid")
                        : Optional.empty());
    }

    private static DeliveryRow row(Channel channel, int attempts) {
        return row(channel, address(channel), attempts);
    }

    private static StateChange change(DeliveryRow d, DeliveryStatus from, DeliveryStatus to, String reason,
                                      SendOutcome answer) {
        return change(d, Optional.empty(), from, to, reason, answer);
    }

    private static StateChange change(DeliveryRow d, Optional<DispatchSpec> spec, DeliveryStatus from,
                                      DeliveryStatus to, String reason, SendOutcome answer) {
        return new StateChange(d, DispatchKind.MESSAGES_SEND, spec, from, to, Optional.ofNullable(reason),
                Optional.ofNullable(answer), Optional.empty(), AT);
    }

    private static List<String> types(List<MessageEvent> events) {
        return events.stream().map(MessageEvent::type).toList();
    }

    private static MessageEvent only(StateChange change, String type) {
        List<MessageEvent> events = MessageEvents.of(change);
        assertEquals(List.of(type), types(events), events.toString());
        return events.get(0);
    }

    // ---- Send and Delivery ----

    @Test
    void anAcceptedSendIsASendWithTheChannelsAddress() {
        MessageEvent email = only(change(row(Channel.EMAIL, 1), DeliveryStatus.QUEUED, DeliveryStatus.SENT, null,
                new SendOutcome.Accepted(Optional.of("m-1"), false)), "users.messages.email.Send");
        assertEquals(Map.of("email_address", EMAIL), email.properties());

        MessageEvent hook = only(change(row(Channel.WEBHOOK, 1), DeliveryStatus.QUEUED, DeliveryStatus.SENT, null,
                new SendOutcome.Accepted(Optional.empty(), false)), "users.messages.webhook.Send");
        assertEquals(Map.of(), hook.properties(), "a webhook's Send has no address field of its own");

        MessageEvent ios = only(change(row(Channel.APPLE_PUSH, 1), DeliveryStatus.QUEUED, DeliveryStatus.SENT, null,
                new SendOutcome.Accepted(Optional.of("apns-1"), false)), "users.messages.pushnotification.Send");
        assertEquals(Map.of("platform", "ios", "app_id", "ios-main", "push_token", TOKEN), ios.properties());

        MessageEvent android = only(change(row(Channel.ANDROID_PUSH, 1), DeliveryStatus.QUEUED, DeliveryStatus.SENT,
                null, new SendOutcome.Accepted(Optional.of("projects/p/messages/1"), false)),
                "users.messages.pushnotification.Send");
        assertEquals(Map.of("platform", "android", "app_id", "droid", "push_token", "fcm-token-1"),
                android.properties());
    }

    @Test
    void anSmsSendCarriesThePhoneAndTheSubscriptionGroup() {
        DispatchSpec spec = DispatchSpec.builder()
                .messages(List.of(new SmsSpec("alerts", "hi", List.of(), Optional.empty()))).build();
        MessageEvent send = only(change(row(Channel.SMS, 1), Optional.of(spec), DeliveryStatus.QUEUED,
                DeliveryStatus.SENT, null, SendOutcome.Accepted.withId("SM1", false)), "users.messages.sms.Send");
        assertEquals(Map.of("to_phone_number", PHONE, "subscription_group_id", "alerts"), send.properties());

        MessageEvent unread = only(change(row(Channel.SMS, 1), DeliveryStatus.QUEUED, DeliveryStatus.SENT, null,
                SendOutcome.Accepted.withId("SM2", false)), "users.messages.sms.Send");
        assertEquals(Map.of("to_phone_number", PHONE), unread.properties(), "no spec, no group");
    }

    @Test
    void aFinalHopEmailIsASendAndThenADelivery() {
        List<MessageEvent> events = MessageEvents.of(change(row(Channel.EMAIL, 1), DeliveryStatus.QUEUED,
                DeliveryStatus.DELIVERED, null, new SendOutcome.Accepted(Optional.empty(), true)));
        assertEquals(List.of("users.messages.email.Send", "users.messages.email.Delivery"), types(events));
        assertEquals(EMAIL, events.get(1).properties().get("email_address"));
    }

    @Test
    void aWebhooksTwoHundredIsASendOnlyAndPushHasNoDeliveryEither() {
        only(change(row(Channel.WEBHOOK, 1), DeliveryStatus.QUEUED, DeliveryStatus.DELIVERED, null,
                new SendOutcome.Accepted(Optional.empty(), true)), "users.messages.webhook.Send");
        only(change(row(Channel.APPLE_PUSH, 1), DeliveryStatus.QUEUED, DeliveryStatus.DELIVERED, null,
                new SendOutcome.Accepted(Optional.empty(), true)), "users.messages.pushnotification.Send");
    }

    @Test
    void aDeliveryReceiptAfterTheSendIsADeliveryAlone() {
        only(change(row(Channel.SMS, 1), DeliveryStatus.SENT, DeliveryStatus.DELIVERED, null, null),
                "users.messages.sms.Delivery");
        only(change(row(Channel.SMS, 1), DeliveryStatus.UNDELIVERED, DeliveryStatus.DELIVERED, null, null),
                "users.messages.sms.Delivery");
    }

    // ---- retries ----

    @Test
    void anEmailRetryIsASoftBounceWithTheRelaysWords() {
        MessageEvent soft = only(change(row(Channel.EMAIL, 1), DeliveryStatus.QUEUED, DeliveryStatus.QUEUED,
                "451 4.3.0 try again later", SendOutcome.Retry.of("451 4.3.0 try again later")),
                "users.messages.email.SoftBounce");
        assertEquals(Map.of("email_address", EMAIL, "bounce_reason", "451 4.3.0 try again later"),
                soft.properties());
    }

    @Test
    void aWebhookRetryIsANonTerminalFailureWithTheStatusCodeAndTheUrlsParts() {
        String reason = "HTTP 503 Service Unavailable";
        MessageEvent failure = only(change(row(Channel.WEBHOOK, 3), DeliveryStatus.QUEUED, DeliveryStatus.QUEUED,
                reason, SendOutcome.Retry.of(reason)), "users.messages.webhook.Failure");
        Map<String, Object> p = failure.properties();
        assertEquals(503, p.get("http_status_code"), p.toString());
        assertEquals(false, p.get("is_terminal"));
        assertEquals(HOOK_URL, p.get("endpoint_url"));
        assertEquals("hooks.example.test", p.get("host"));
        assertEquals("/in/orders", p.get("url_path"));
        assertEquals(2, p.get("retry_count"), "the attempts before this one");
        assertEquals(reason, p.get("error"));

        MessageEvent throttled = only(change(row(Channel.WEBHOOK, 1), DeliveryStatus.QUEUED, DeliveryStatus.QUEUED,
                "HTTP 429 Too Many Requests", new SendOutcome.Throttled(Duration.ofSeconds(3),
                        "HTTP 429 Too Many Requests")), "users.messages.webhook.Failure");
        assertEquals(429, throttled.properties().get("http_status_code"));
        assertEquals(0, throttled.properties().get("retry_count"));
        assertEquals(false, throttled.properties().get("is_terminal"));

        MessageEvent noStatus = only(change(row(Channel.WEBHOOK, 1), DeliveryStatus.QUEUED, DeliveryStatus.QUEUED,
                "connection failed: refused", SendOutcome.Retry.of("connection failed: refused")),
                "users.messages.webhook.Failure");
        assertFalse(noStatus.properties().containsKey("http_status_code"), noStatus.toString());

        MessageEvent bare = only(change(row(Channel.WEBHOOK, "http://127.0.0.1:9", 1), DeliveryStatus.QUEUED,
                DeliveryStatus.QUEUED, "HTTP 500", SendOutcome.Retry.of("HTTP 500")), "users.messages.webhook.Failure");
        assertEquals("/", bare.properties().get("url_path"), "a URL without a path is at /");
    }

    @Test
    void retriesOfOtherChannelsAndRequeuesWithoutAnAnswerAreNoEvents() {
        for (Channel c : List.of(Channel.SMS, Channel.APPLE_PUSH, Channel.ANDROID_PUSH)) {
            assertEquals(List.of(), MessageEvents.of(change(row(c, 1), DeliveryStatus.QUEUED, DeliveryStatus.QUEUED,
                    "HTTP 503", SendOutcome.Retry.of("HTTP 503"))), c.toString());
        }
        for (Channel c : Channel.values()) {
            assertEquals(List.of(), MessageEvents.of(change(row(c, 1), DeliveryStatus.QUEUED, DeliveryStatus.QUEUED,
                    "requeued", null)), c + ": a requeue with no attempt behind it");
            assertEquals(List.of(), MessageEvents.of(change(row(c, 1), DeliveryStatus.QUEUED, DeliveryStatus.SENDING,
                    null, null)), c + ": an attempt under way");
        }
    }

    // ---- bounces and failures ----

    @Test
    void aDeadAddressIsTheChannelsBounce() {
        MessageEvent email = only(change(row(Channel.EMAIL, 1), DeliveryStatus.QUEUED, DeliveryStatus.BOUNCED,
                "550 5.1.1 mailbox unavailable", SendOutcome.AddressInvalid.of("550 5.1.1 mailbox unavailable")),
                "users.messages.email.Bounce");
        assertEquals("550 5.1.1 mailbox unavailable", email.properties().get("bounce_reason"));

        MessageEvent ios = only(change(row(Channel.APPLE_PUSH, 1), DeliveryStatus.QUEUED, DeliveryStatus.BOUNCED,
                "APNs 410 Unregistered", SendOutcome.AddressInvalid.of("APNs 410 Unregistered")),
                "users.messages.pushnotification.Bounce");
        assertEquals(Map.of("platform", "ios", "app_id", "ios-main", "push_token", TOKEN), ios.properties());
        MessageEvent android = only(change(row(Channel.ANDROID_PUSH, 1), DeliveryStatus.QUEUED,
                DeliveryStatus.BOUNCED, "FCM 404 UNREGISTERED", SendOutcome.AddressInvalid.of("FCM 404 UNREGISTERED")),
                "users.messages.pushnotification.Bounce");
        assertEquals("android", android.properties().get("platform"));

        MessageEvent hook = only(change(row(Channel.WEBHOOK, 2), DeliveryStatus.QUEUED, DeliveryStatus.BOUNCED,
                "HTTP 410 Gone", SendOutcome.AddressInvalid.of("HTTP 410 Gone")), "users.messages.webhook.Failure");
        assertEquals(410, hook.properties().get("http_status_code"));
        assertEquals(true, hook.properties().get("is_terminal"));
        assertEquals(1, hook.properties().get("retry_count"));
    }

    @Test
    void twilioRefusingTheSendIsARejectionAndTheCarriersReportADeliveryFailure() {
        String refused = "Twilio 21211 (HTTP 400): The 'To' number +15551230001 is not a valid phone number.";
        MessageEvent rejection = only(change(row(Channel.SMS, 1), DeliveryStatus.QUEUED, DeliveryStatus.BOUNCED,
                refused, SendOutcome.AddressInvalid.of(refused)), "users.messages.sms.Rejection");
        assertEquals(PHONE, rejection.properties().get("to_phone_number"));
        assertEquals(refused, rejection.properties().get("error"));
        assertEquals("21211", rejection.properties().get("provider_error_code"), rejection.toString());

        MessageEvent stop = only(change(row(Channel.SMS, 1), DeliveryStatus.QUEUED, DeliveryStatus.FAILED,
                "Twilio 21610 (HTTP 400): Attempt to send to unsubscribed recipient",
                SendOutcome.Failed.optedOut("Twilio 21610 (HTTP 400): Attempt to send to unsubscribed recipient")),
                "users.messages.sms.Rejection");
        assertEquals("21610", stop.properties().get("provider_error_code"), stop.toString());

        MessageEvent dead = only(change(row(Channel.SMS, 1), DeliveryStatus.SENT, DeliveryStatus.BOUNCED,
                "Twilio failed (error 30005)", null), "users.messages.sms.DeliveryFailure");
        assertEquals("30005", dead.properties().get("provider_error_code"));
        assertEquals("Twilio failed (error 30005)", dead.properties().get("error"));

        MessageEvent stopReply = only(change(row(Channel.SMS, 1), DeliveryStatus.SENT, DeliveryStatus.FAILED,
                "Twilio failed (error 21610)", null), "users.messages.sms.DeliveryFailure");
        assertEquals("21610", stopReply.properties().get("provider_error_code"));

        MessageEvent undelivered = only(change(row(Channel.SMS, 1), DeliveryStatus.SENT, DeliveryStatus.UNDELIVERED,
                "Twilio undelivered (error 30003)", null), "users.messages.sms.DeliveryFailure");
        assertEquals(Map.of("to_phone_number", PHONE, "error", "Twilio undelivered (error 30003)",
                "provider_error_code", "30003"), undelivered.properties());

        MessageEvent noCode = only(change(row(Channel.SMS, 1), DeliveryStatus.SENT, DeliveryStatus.UNDELIVERED,
                "", null), "users.messages.sms.DeliveryFailure");
        assertFalse(noCode.properties().containsKey("provider_error_code"), noCode.toString());
    }

    @Test
    void aPermanentFailureIsAWebhookFailureOrTheChannelsSendFailedAbort() {
        MessageEvent hook = only(change(row(Channel.WEBHOOK, 1), DeliveryStatus.QUEUED, DeliveryStatus.FAILED,
                "HTTP 400 Bad Request", new SendOutcome.Failed("HTTP 400 Bad Request")),
                "users.messages.webhook.Failure");
        assertEquals(400, hook.properties().get("http_status_code"));
        assertEquals(true, hook.properties().get("is_terminal"));
        assertEquals(0, hook.properties().get("retry_count"));

        for (Channel c : List.of(Channel.EMAIL, Channel.APPLE_PUSH, Channel.ANDROID_PUSH)) {
            String type = c == Channel.EMAIL ? "email" : "pushnotification";
            MessageEvent abort = only(change(row(c, 1), DeliveryStatus.QUEUED, DeliveryStatus.FAILED,
                    "554 5.7.1 message refused", new SendOutcome.Failed("554 5.7.1 message refused")),
                    "users.messages." + type + ".Abort");
            assertEquals("send_failed", abort.properties().get("abort_type"), abort.toString());
            assertEquals("554 5.7.1 message refused", abort.properties().get("abort_log"));
        }
    }

    @Test
    void aFailureWithNoProviderAnswerIsAnUnsendableAbort() {
        for (Channel c : Channel.values()) {
            String type = switch (c) {
                case WEBHOOK -> "webhook";
                case EMAIL -> "email";
                case SMS -> "sms";
                case APPLE_PUSH, ANDROID_PUSH -> "pushnotification";
            };
            MessageEvent abort = only(change(row(c, 1), DeliveryStatus.QUEUED, DeliveryStatus.FAILED,
                    "the template could not be rendered: unknown tag", null), "users.messages." + type + ".Abort");
            assertEquals("unsendable", abort.properties().get("abort_type"), abort.toString());
            assertEquals("the template could not be rendered: unknown tag", abort.properties().get("abort_log"));
        }
    }

    // ---- expiry and aborts ----

    @Test
    void anExpiredWebhookIsItsLastAttemptsTerminalFailureThenAnExpiredAbort() {
        String attempt = "HTTP 503 Service Unavailable";
        String reason = "gave up after 4 attempts at the age limit; last error: " + attempt;
        List<MessageEvent> events = MessageEvents.of(change(row(Channel.WEBHOOK, 4), DeliveryStatus.QUEUED,
                DeliveryStatus.EXPIRED, reason, SendOutcome.Retry.of(attempt)));
        assertEquals(List.of("users.messages.webhook.Failure", "users.messages.webhook.Abort"), types(events));
        Map<String, Object> failure = events.get(0).properties();
        assertEquals(true, failure.get("is_terminal"), failure.toString());
        assertEquals(503, failure.get("http_status_code"), "the last attempt's status: " + failure);
        assertEquals(3, failure.get("retry_count"));
        assertEquals(attempt, failure.get("error"), "the attempt's own error");
        assertEquals(Map.of("abort_type", "expired", "abort_log", reason), events.get(1).properties());
    }

    @Test
    void anExpiredEmailIsItsLastSoftBounceThenAnExpiredAbort() {
        String attempt = "451 4.3.0 try again later";
        String reason = "gave up after 5 attempts at the age limit; last error: " + attempt;
        List<MessageEvent> events = MessageEvents.of(change(row(Channel.EMAIL, 5), DeliveryStatus.QUEUED,
                DeliveryStatus.EXPIRED, reason, SendOutcome.Retry.of(attempt)));
        assertEquals(List.of("users.messages.email.SoftBounce", "users.messages.email.Abort"), types(events));
        assertEquals(attempt, events.get(0).properties().get("bounce_reason"));
        assertEquals("expired", events.get(1).properties().get("abort_type"));
    }

    @Test
    void anExpiryWithoutAnAttemptOrOnOtherChannelsIsTheExpiredAbortAlone() {
        only(change(row(Channel.WEBHOOK, 0), DeliveryStatus.QUEUED, DeliveryStatus.EXPIRED, "expired before its "
                + "first attempt", null), "users.messages.webhook.Abort");
        only(change(row(Channel.EMAIL, 0), DeliveryStatus.QUEUED, DeliveryStatus.EXPIRED, "expired", null),
                "users.messages.email.Abort");
        MessageEvent sms = only(change(row(Channel.SMS, 3), DeliveryStatus.QUEUED, DeliveryStatus.EXPIRED,
                "gave up after 3 attempts at the age limit; last error: HTTP 503",
                SendOutcome.Retry.of("HTTP 503")), "users.messages.sms.Abort");
        assertEquals("expired", sms.properties().get("abort_type"));
        only(change(row(Channel.APPLE_PUSH, 2), DeliveryStatus.QUEUED, DeliveryStatus.EXPIRED, "gave up",
                SendOutcome.Retry.of("APNs 503")), "users.messages.pushnotification.Abort");
    }

    @Test
    void anAbortBeforeAnyAttemptIsUserNotReachableAndAfterOneTheTemplatesAbort() {
        MessageEvent unreachable = only(change(row(Channel.SMS, "", 0), DeliveryStatus.QUEUED,
                DeliveryStatus.ABORTED, "User not reachable by SMS: the profile has no phone number", null),
                "users.messages.sms.Abort");
        assertEquals(Map.of("abort_type", "user_not_reachable",
                "abort_log", "User not reachable by SMS: the profile has no phone number"), unreachable.properties(),
                "no empty to_phone_number either");

        MessageEvent noTokens = only(change(row(Channel.APPLE_PUSH, "", 0), DeliveryStatus.QUEUED,
                DeliveryStatus.ABORTED, "User has no valid iOS push tokens", null),
                "users.messages.pushnotification.Abort");
        assertEquals("user_not_reachable", noTokens.properties().get("abort_type"));
        assertFalse(noTokens.properties().containsKey("push_token"), noTokens.toString());

        MessageEvent liquid = only(change(row(Channel.EMAIL, 1), DeliveryStatus.QUEUED, DeliveryStatus.ABORTED,
                "not a customer", null), "users.messages.email.Abort");
        assertEquals(Map.of("email_address", EMAIL, "abort_type", "liquid_abort_message", "abort_log",
                "not a customer"), liquid.properties());

        MessageEvent silent = only(change(row(Channel.WEBHOOK, 1), DeliveryStatus.QUEUED, DeliveryStatus.ABORTED,
                "", null), "users.messages.webhook.Abort");
        assertEquals(Map.of("abort_type", "liquid_abort_message"), silent.properties(), "no empty abort_log");
    }

    /**
     * Every event a change that can happen produces is one a connector can be configured to take, and each of those
     * is produced by some change. (Only SMS hears of its message after the send, from Twilio's callbacks: only SMS
     * changes from {@code sent}, and only SMS is ever {@code undelivered}.)
     */
    @Test
    void everyEventTypeProducedIsAConfigurableOneAndEveryConfigurableOneIsProduced() {
        List<String> produced = new ArrayList<>();
        List<SendOutcome> answers = new ArrayList<>();
        answers.add(null);
        answers.add(new SendOutcome.Accepted(Optional.empty(), false));
        answers.add(new SendOutcome.Accepted(Optional.empty(), true));
        answers.add(SendOutcome.Retry.of("HTTP 503"));
        answers.add(new SendOutcome.Throttled(Duration.ofSeconds(1), "HTTP 429"));
        answers.add(new SendOutcome.Failed("HTTP 400"));
        answers.add(SendOutcome.AddressInvalid.of("HTTP 410"));
        for (Channel c : Channel.values()) {
            List<DeliveryStatus> froms = c == Channel.SMS ? List.of(DeliveryStatus.QUEUED, DeliveryStatus.SENT)
                    : List.of(DeliveryStatus.QUEUED);
            for (DeliveryStatus from : froms) {
                for (DeliveryStatus to : DeliveryStatus.values()) {
                    if (to == DeliveryStatus.UNDELIVERED && c != Channel.SMS) {
                        continue;
                    }
                    for (SendOutcome answer : answers) {
                        for (int attempts : new int[] {0, 1, 2}) {
                            for (MessageEvent e : MessageEvents.of(change(row(c, attempts), from, to, "HTTP 500",
                                    answer))) {
                                assertTrue(CurrentsConfig.EVENT_TYPES.contains(e.type()), e.type() + " from " + c
                                        + " " + from + "->" + to + " " + answer);
                                produced.add(e.type());
                            }
                        }
                    }
                }
            }
        }
        assertEquals(new java.util.TreeSet<>(CurrentsConfig.EVENT_TYPES), new java.util.TreeSet<>(produced));
    }
}
