package dev.herald.channel.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.channel.EmailMessage;
import dev.herald.channel.SendOutcome;
import dev.herald.channel.smtp.SmtpPeer.Step;
import dev.herald.config.SmtpConfig;
import dev.herald.testkit.MutableClock;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Connection reuse, pool bounds and every reply a relay can give, against a scripted SubEthaSMTP relay. */
final class SmtpSenderRelayTest {
    private static final ExecutorService VIRTUAL_THREADS = Executors.newVirtualThreadPerTaskExecutor();

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T10:00:00Z"));
    private SmtpPeer peer;
    private SmtpSender sender;

    @BeforeEach
    void start() {
        peer = new SmtpPeer();
        sender = sender(Emails.relay(peer.port(), 1));
    }

    @AfterEach
    void stop() {
        sender.close();
        peer.close();
    }

    @AfterAll
    static void stopExecutor() {
        VIRTUAL_THREADS.close();
    }

    private SmtpSender sender(SmtpConfig config) {
        return SmtpSender.create(config, VIRTUAL_THREADS, clock);
    }

    private static SendOutcome send(SmtpSender s, EmailMessage m) throws Exception {
        return s.send(m).toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    private SendOutcome send() throws Exception {
        return send(sender, Emails.html("jane@example.test"));
    }

    @Test
    void reusesPooledConnectionsInsteadOfConnectingPerMessage() throws Exception {
        SmtpSender pooled = sender(Emails.relay(peer.port(), 2));
        List<CompletableFuture<SendOutcome>> inFlight = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            inFlight.add(pooled.send(Emails.html("user" + i + "@example.test")).toCompletableFuture());
        }
        for (CompletableFuture<SendOutcome> f : inFlight) {
            assertInstanceOf(SendOutcome.Accepted.class, f.get(20, TimeUnit.SECONDS));
        }
        pooled.close();

        assertEquals(20, peer.received().size());
        assertTrue(peer.connections() >= 1 && peer.connections() <= 2, "connections: " + peer.connections());
        assertTrue(peer.maxConcurrentTransactions() <= 2, "concurrent: " + peer.maxConcurrentTransactions());
    }

    @Test
    void sendsBeyondThePoolWaitWithoutBlockingTheCaller() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        peer.withholdDataReplyUntil(release);

        CompletableFuture<SendOutcome> first = sender.send(Emails.html("a@example.test")).toCompletableFuture();
        CompletableFuture<SendOutcome> second = sender.send(Emails.html("b@example.test")).toCompletableFuture();

        assertFalse(first.isDone());
        assertFalse(second.isDone());
        release.countDown();
        assertInstanceOf(SendOutcome.Accepted.class, first.get(20, TimeUnit.SECONDS));
        assertInstanceOf(SendOutcome.Accepted.class, second.get(20, TimeUnit.SECONDS));
        assertEquals(1, peer.connections());
    }

    @ParameterizedTest(name = "{0} {1} {2} -> {3}")
    @CsvSource(delimiter = '|', textBlock = """
            MAIL_FROM | 451 | 4.3.0 try again later          | Retry
            RCPT_TO   | 451 | 4.7.1 greylisted               | Retry
            RCPT_TO   | 452 | 4.2.2 mailbox over quota       | Retry
            RCPT_TO   | 552 | 5.2.2 mailbox full             | Retry
            DATA      | 451 | 4.3.0 queue file write error   | Retry
            RCPT_TO   | 550 | 5.1.1 user unknown             | AddressInvalid
            RCPT_TO   | 550 | no such user here              | AddressInvalid
            RCPT_TO   | 553 | 5.1.3 bad destination syntax   | AddressInvalid
            RCPT_TO   | 550 | 5.7.1 rejected by policy       | Failed
            MAIL_FROM | 553 | 5.1.8 sender domain unknown    | Failed
            DATA      | 554 | 5.6.0 content rejected         | Failed
            DATA      | 552 | 5.3.4 message too big          | Failed
            """)
    void mapsTheRelaysReplyToAnOutcome(Step step, int code, String text, String expected) throws Exception {
        peer.rejectNext(step, code, text);

        SendOutcome outcome = send();

        assertEquals(expected, outcome.getClass().getSimpleName(), outcome.describe());
        assertTrue(outcome.describe().contains(code + " " + text.strip()), outcome.describe());
        assertInstanceOf(SendOutcome.Accepted.class, send(), "the connection stays usable after a rejection");
        assertEquals(1, peer.connections());
    }

    @Test
    void replacesTheConnectionAfter421() throws Exception {
        peer.rejectNext(Step.MAIL_FROM, 421, "4.4.2 closing, idle too long");

        var retry = assertInstanceOf(SendOutcome.Retry.class, send());

        assertTrue(retry.reason().contains("421"), retry.reason());
        assertInstanceOf(SendOutcome.Accepted.class, send());
        assertEquals(2, peer.connections());
    }

    @Test
    void retriesAndReconnectsWhenTheRelayDropsTheConnectionDuringData() throws Exception {
        peer.dropConnectionDuringData();

        assertInstanceOf(SendOutcome.Retry.class, send());
        assertInstanceOf(SendOutcome.Retry.class, send());
        assertEquals(2, peer.connections(), "a broken connection is replaced, not reused");
    }

    @Test
    void retriesWhenTheRelayDoesNotAnswerWithinTheReadTimeout() throws Exception {
        sender.close();
        sender = sender(Emails.relay(peer.port(), 1, Duration.ofMillis(300)));
        peer.withholdDataReplyUntil(new CountDownLatch(1));

        var retry = assertInstanceOf(SendOutcome.Retry.class, send());

        assertTrue(retry.reason().contains("did not answer in time"), retry.reason());
    }

    @Test
    void retriesWhenTheRelayNeverGreets() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            SmtpSender s = sender(Emails.relay(silent.getLocalPort(), 1, Duration.ofMillis(300)));
            var retry = assertInstanceOf(SendOutcome.Retry.class, send(s, Emails.html("jane@example.test")));
            s.close();
            assertTrue(retry.reason().contains("did not answer in time"), retry.reason());
        }
    }

    @Test
    void retriesWhenNothingListens() throws Exception {
        int closedPort;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = probe.getLocalPort();
        }
        SmtpSender s = sender(Emails.relay(closedPort, 1));

        var retry = assertInstanceOf(SendOutcome.Retry.class, send(s, Emails.html("jane@example.test")));

        s.close();
        assertTrue(retry.reason().contains("could not connect"), retry.reason());
    }

    @Test
    void probesAnIdleConnectionAndReplacesItIfTheRelayDroppedIt() throws Exception {
        assertInstanceOf(SendOutcome.Accepted.class, send());
        peer.dropOpenConnections();
        clock.advance(SmtpSender.PROBE_AFTER.plusSeconds(1));

        assertInstanceOf(SendOutcome.Accepted.class, send());
        assertEquals(2, peer.connections());
    }

    @Test
    void aConnectionDroppedBetweenBusyMessagesCostsOneRetry() throws Exception {
        assertInstanceOf(SendOutcome.Accepted.class, send());
        peer.dropOpenConnections();

        assertInstanceOf(SendOutcome.Retry.class, send());
        assertInstanceOf(SendOutcome.Accepted.class, send());
        assertEquals(2, peer.connections());
    }
}
