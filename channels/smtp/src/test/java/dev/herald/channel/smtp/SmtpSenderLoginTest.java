package dev.herald.channel.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.channel.SendOutcome;
import dev.herald.config.SmtpConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.subethamail.smtp.auth.EasyAuthenticationHandlerFactory;
import org.subethamail.smtp.auth.LoginFailedException;

/** SMTP AUTH and STARTTLS policy: a refused login or TLS policy parks the relay instead of failing mail. */
final class SmtpSenderLoginTest {
    private static final ExecutorService VIRTUAL_THREADS = Executors.newVirtualThreadPerTaskExecutor();

    private final List<String> logins = new CopyOnWriteArrayList<>();
    private SmtpPeer peer;

    @AfterEach
    void stop() {
        if (peer != null) {
            peer.close();
        }
    }

    @AfterAll
    static void stopExecutor() {
        VIRTUAL_THREADS.close();
    }

    private void startRelayRequiringLogin() {
        peer = new SmtpPeer(new EasyAuthenticationHandlerFactory((user, password, context) -> {
            logins.add(user);
            if (!user.equals("herald") || !password.equals("s3cret")) {
                throw new LoginFailedException("bad credentials");
            }
        }), true);
    }

    private static SendOutcome sendOne(SmtpConfig config) throws Exception {
        try (SmtpSender sender = SmtpSender.create(config, VIRTUAL_THREADS, Clock.systemUTC())) {
            return sender.send(Emails.html("jane@example.test")).toCompletableFuture().get(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void logsInWithTheConfiguredCredentials() throws Exception {
        startRelayRequiringLogin();

        assertInstanceOf(SendOutcome.Accepted.class, sendOne(Emails.relayWithLogin(peer.port(), "herald", "s3cret")));

        assertEquals(List.of("herald"), logins);
        assertEquals(1, peer.received().size());
    }

    @Test
    void parksTheRelayWhenTheLoginIsRefused() throws Exception {
        startRelayRequiringLogin();

        var throttled = assertInstanceOf(SendOutcome.Throttled.class,
                sendOne(Emails.relayWithLogin(peer.port(), "herald", "wrong")));

        assertEquals(Duration.ofMinutes(5), throttled.retryAfter());
        assertTrue(throttled.reason().startsWith("credential rejected:") && throttled.reason().contains("535"),
                throttled.reason());
        assertTrue(peer.received().isEmpty());
    }

    @Test
    void parksTheRelayWhenItDemandsALoginWeDoNotHave() throws Exception {
        startRelayRequiringLogin();

        var throttled = assertInstanceOf(SendOutcome.Throttled.class, sendOne(Emails.relay(peer.port(), 1)));

        assertTrue(throttled.reason().startsWith("credential rejected:") && throttled.reason().contains("530"),
                throttled.reason());
    }

    @Test
    void parksTheRelayWhenRequiredStartTlsIsNotOffered() throws Exception {
        peer = new SmtpPeer();

        var throttled = assertInstanceOf(SendOutcome.Throttled.class,
                sendOne(Emails.relayRequiringStartTls(peer.port())));

        assertTrue(throttled.reason().contains("STARTTLS"), throttled.reason());
        assertTrue(peer.received().isEmpty(), "nothing travels in clear text");
    }
}
