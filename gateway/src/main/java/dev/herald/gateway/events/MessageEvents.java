package dev.herald.gateway.events;

import dev.herald.channel.Channel;
import dev.herald.channel.SendOutcome;
import dev.herald.gateway.delivery.StateChange;
import dev.herald.gateway.model.DeliveryStatus;
import dev.herald.gateway.model.SmsSpec;
import dev.herald.gateway.store.DeliveryRow;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which of Braze's message events a delivery's change of state is, per channel (README "Events out" has the
 * table). A provider taking the message is a {@code Send}; a final-hop relay's or Twilio's confirmation a
 * {@code Delivery}; a dead address a {@code Bounce} (SMS: {@code Rejection} when Twilio refuses the send,
 * {@code DeliveryFailure} when the carrier reports it); an SMTP 4xx a {@code SoftBounce}; every failed webhook
 * attempt a {@code webhook.Failure} with {@code is_terminal}. Herald's states Braze has no event for end in the
 * channel's {@code Abort} with an {@code abort_type}: {@code expired} (gave up at the age limit),
 * {@code user_not_reachable} (no address, unsubscribed, invalid), {@code liquid_abort_message} (the template's
 * {@code abort_message}), {@code unsendable} (the message could not be built), {@code send_failed} (the provider
 * refused the message for good). Fields Herald cannot know (open tracking, ESP, sending IP) are left out.
 */
final class MessageEvents {
    private static final Pattern HTTP_STATUS = Pattern.compile("^HTTP (\\d{3})\\b");
    /** Twilio's error code: its refusal of the create call ("Twilio 21211 (HTTP 400): ..."), a callback's. */
    private static final Pattern PROVIDER_CODE = Pattern.compile(
            "^Twilio (\\d{3,6}) \\(HTTP \\d{3}\\)|\\(error (\\d+)\\)|\\b(?:code|error)[ :=]+(\\d{3,6})\\b");

    private MessageEvents() {
    }

    /** The events {@code change} is, in the order they happened. */
    static List<MessageEvent> of(StateChange change) {
        DeliveryRow d = change.delivery();
        List<MessageEvent> out = new ArrayList<>(2);
        Optional<SendOutcome> answer = change.answer();
        String reason = change.reason().orElse("");
        DeliveryStatus from = change.from();
        switch (change.to()) {
            case SENT -> out.add(send(d, change));
            case DELIVERED -> {
                if (from == DeliveryStatus.QUEUED || from == DeliveryStatus.SENDING) {
                    out.add(send(d, change));
                }
                delivery(d).ifPresent(out::add);
            }
            case QUEUED -> answer.flatMap(a -> retried(d, a, reason)).ifPresent(out::add);
            case BOUNCED -> out.add(bounced(d, from, reason));
            case FAILED -> out.add(failed(d, from, answer, reason));
            case UNDELIVERED -> out.add(carrierFailure(d, reason));
            case EXPIRED -> {
                // The last attempt's own failure (its status code, the relay's words), then the giving up.
                String attempt = answer.flatMap(MessageEvents::attemptError).orElse(reason);
                if (d.channel() == Channel.WEBHOOK && answer.isPresent()) {
                    out.add(webhookFailure(d, attempt, true));
                } else if (d.channel() == Channel.EMAIL && answer.isPresent()) {
                    out.add(event(d, "SoftBounce", Map.of("bounce_reason", attempt)));
                }
                out.add(abort(d, "expired", reason));
            }
            case ABORTED -> out.add(abort(d, d.attempts() == 0 ? "user_not_reachable" : "liquid_abort_message",
                    reason));
            case SENDING -> {
                // not an event: the attempt is under way
            }
        }
        return out;
    }

    private static MessageEvent send(DeliveryRow d, StateChange change) {
        Map<String, Object> p = new LinkedHashMap<>();
        if (d.channel() == Channel.SMS) {
            change.spec().flatMap(s -> s.message(Channel.SMS))
                    .filter(SmsSpec.class::isInstance).map(m -> ((SmsSpec) m).subscriptionGroupId())
                    .filter(g -> !g.isEmpty()).ifPresent(g -> p.put("subscription_group_id", g));
        }
        return event(d, "Send", p);
    }

    private static Optional<MessageEvent> delivery(DeliveryRow d) {
        return switch (d.channel()) {
            case EMAIL, SMS -> Optional.of(event(d, "Delivery", Map.of()));
            case WEBHOOK, APPLE_PUSH, ANDROID_PUSH -> Optional.empty(); // Braze has no such event for these
        };
    }

    private static Optional<MessageEvent> retried(DeliveryRow d, SendOutcome a, String reason) {
        boolean failedAttempt = a instanceof SendOutcome.Retry || a instanceof SendOutcome.Throttled;
        if (!failedAttempt) {
            return Optional.empty();
        }
        return switch (d.channel()) {
            case WEBHOOK -> Optional.of(webhookFailure(d, reason, false));
            case EMAIL -> Optional.of(event(d, "SoftBounce", Map.of("bounce_reason", reason)));
            case SMS, APPLE_PUSH, ANDROID_PUSH -> Optional.empty();
        };
    }

    /** The error of a failed attempt that was to be retried, as the provider put it. */
    private static Optional<String> attemptError(SendOutcome a) {
        return switch (a) {
            case SendOutcome.Retry r -> Optional.of(r.reason());
            case SendOutcome.Throttled t -> Optional.of(t.reason());
            case SendOutcome.Accepted x -> Optional.empty();
            case SendOutcome.Failed x -> Optional.empty();
            case SendOutcome.AddressInvalid x -> Optional.empty();
        };
    }

    private static MessageEvent bounced(DeliveryRow d, DeliveryStatus from, String reason) {
        return switch (d.channel()) {
            case EMAIL -> event(d, "Bounce", Map.of("bounce_reason", reason));
            case APPLE_PUSH, ANDROID_PUSH -> event(d, "Bounce", Map.of());
            case SMS -> from == DeliveryStatus.SENT ? carrierFailure(d, reason) : rejection(d, reason);
            case WEBHOOK -> webhookFailure(d, reason, true);
        };
    }

    private static MessageEvent failed(DeliveryRow d, DeliveryStatus from, Optional<SendOutcome> answer,
                                       String reason) {
        if (answer.isEmpty() && from != DeliveryStatus.SENT) {
            return abort(d, "unsendable", reason);
        }
        return switch (d.channel()) {
            case WEBHOOK -> webhookFailure(d, reason, true);
            case SMS -> from == DeliveryStatus.SENT ? carrierFailure(d, reason) : rejection(d, reason);
            case EMAIL, APPLE_PUSH, ANDROID_PUSH -> abort(d, "send_failed", reason);
        };
    }

    private static MessageEvent rejection(DeliveryRow d, String reason) {
        return event(d, "Rejection", smsError(reason));
    }

    private static MessageEvent carrierFailure(DeliveryRow d, String reason) {
        return event(d, "DeliveryFailure", smsError(reason));
    }

    private static Map<String, Object> smsError(String reason) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("error", reason);
        Matcher m = PROVIDER_CODE.matcher(reason);
        if (m.find()) {
            p.put("provider_error_code", m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2)
                    : m.group(3));
        }
        return p;
    }

    private static MessageEvent webhookFailure(DeliveryRow d, String reason, boolean terminal) {
        Map<String, Object> p = new LinkedHashMap<>();
        Matcher m = HTTP_STATUS.matcher(reason);
        if (m.find()) {
            p.put("http_status_code", Integer.parseInt(m.group(1)));
        }
        p.put("endpoint_url", d.address());
        try {
            URI url = URI.create(d.address());
            if (url.getHost() != null) {
                p.put("host", url.getHost());
            }
            p.put("url_path", url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath());
        } catch (IllegalArgumentException e) {
            // the address was checked at accept; a malformed one just goes without host and path
        }
        p.put("retry_count", Math.max(0, d.attempts() - 1));
        p.put("error", reason);
        p.put("is_terminal", terminal);
        return event(d, "Failure", p);
    }

    private static MessageEvent abort(DeliveryRow d, String type, String log) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("abort_type", type);
        if (!log.isEmpty()) {
            p.put("abort_log", log);
        }
        return event(d, "Abort", p);
    }

    /** {@code users.messages.<channel>.<name>} with the channel's address fields. */
    private static MessageEvent event(DeliveryRow d, String name, Map<String, Object> own) {
        Map<String, Object> p = new LinkedHashMap<>();
        String channel = switch (d.channel()) {
            case WEBHOOK -> "webhook";
            case EMAIL -> {
                if (!d.address().isEmpty()) {
                    p.put("email_address", d.address());
                }
                yield "email";
            }
            case SMS -> {
                if (!d.address().isEmpty()) {
                    p.put("to_phone_number", d.address());
                }
                yield "sms";
            }
            case APPLE_PUSH, ANDROID_PUSH -> {
                p.put("platform", d.channel() == Channel.APPLE_PUSH ? "ios" : "android");
                d.appId().ifPresent(app -> p.put("app_id", app));
                if (!d.address().isEmpty()) {
                    p.put("push_token", d.address());
                }
                yield "pushnotification";
            }
        };
        p.putAll(own);
        return new MessageEvent("users.messages." + channel + "." + name, p);
    }
}
