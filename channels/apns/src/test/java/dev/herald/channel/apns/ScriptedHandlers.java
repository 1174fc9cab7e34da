package dev.herald.channel.apns;

import com.eatthepath.pushy.apns.server.PushNotificationHandler;
import com.eatthepath.pushy.apns.server.PushNotificationHandlerFactory;
import com.eatthepath.pushy.apns.server.RejectedNotificationException;
import com.eatthepath.pushy.apns.server.RejectionReason;
import com.eatthepath.pushy.apns.server.UnregisteredDeviceTokenException;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLSession;

/** Answers per device token as the test scripts it; accepts tokens it has no script for. Thread-safe. */
final class ScriptedHandlers implements PushNotificationHandlerFactory {
    private final Map<String, RejectedNotificationException> rejections = new ConcurrentHashMap<>();
    private final Map<String, RuntimeException> crashes = new ConcurrentHashMap<>();

    /** {@code token} is rejected with {@code reason}. */
    ScriptedHandlers reject(String token, RejectionReason reason) {
        rejections.put(token, new RejectedNotificationException(reason));
        return this;
    }

    /** {@code token} answers 410 Unregistered with {@code since}. */
    ScriptedHandlers unregistered(String token, Instant since) {
        rejections.put(token, new UnregisteredDeviceTokenException(since));
        return this;
    }

    /** The handler throws for {@code token}, which the mock server answers with 500 InternalServerError. */
    ScriptedHandlers crash(String token) {
        crashes.put(token, new IllegalStateException("scripted crash"));
        return this;
    }

    @Override
    public PushNotificationHandler buildHandler(SSLSession session) {
        return (headers, payload) -> {
            String path = headers.path().toString();
            String token = path.substring(path.lastIndexOf('/') + 1);
            RuntimeException crash = crashes.get(token);
            if (crash != null) {
                throw crash;
            }
            RejectedNotificationException rejection = rejections.get(token);
            if (rejection != null) {
                throw rejection;
            }
        };
    }
}
