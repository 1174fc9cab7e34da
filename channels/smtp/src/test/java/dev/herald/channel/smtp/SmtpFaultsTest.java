package dev.herald.channel.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.channel.SendOutcome;
import dev.herald.testkit.MutableClock;
import dev.herald.testkit.TestCertificates;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.subethamail.smtp.server.SMTPServer;

/**
 * Fault injection against loopback relays. Covered elsewhere, not repeated here: nothing listening
 * ({@link SmtpSenderRelayTest#retriesWhenNothingListens}: Retry "could not connect"), a relay that never greets or
 * withholds its reply past the read timeout ({@link SmtpSenderRelayTest#retriesWhenTheRelayNeverGreets},
 * {@link SmtpSenderRelayTest#retriesWhenTheRelayDoesNotAnswerWithinTheReadTimeout}: Retry "did not answer in time"),
 * an orderly close during DATA ({@link SmtpSenderRelayTest#retriesAndReconnectsWhenTheRelayDropsTheConnectionDuringData}:
 * Retry, connection replaced), STARTTLS required but not offered
 * ({@link SmtpSenderLoginTest#parksTheRelayWhenRequiredStartTlsIsNotOffered}: Throttled 5 minutes). SMTP has no 429;
 * 4xx replies are {@link SmtpSenderRelayTest#mapsTheRelaysReplyToAnOutcome}. Not applicable: DNS failure (Angus
 * resolves the relay host with the JVM's resolver; there is no resolver seam to stub, and the tests must not ask real
 * DNS).
 */
final class SmtpFaultsTest {
    private static final ExecutorService VIRTUAL_THREADS = Executors.newVirtualThreadPerTaskExecutor();

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T10:00:00Z"));

    @AfterAll
    static void stopExecutor() {
        VIRTUAL_THREADS.close();
    }

    private static SendOutcome send(SmtpSender s) throws Exception {
        return s.send(Emails.html("jane@example.test")).toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    @Test
    void aRelayThatResetsTheConnectionAfterTheMessageDataIsRetriedOnAFreshConnection() throws Exception {
        try (var relay = new ResettingRelay()) {
            SmtpSender s = SmtpSender.create(Emails.relay(relay.port(), 1), VIRTUAL_THREADS, clock);
            try {
                var retry = assertInstanceOf(SendOutcome.Retry.class, send(s));
                assertTrue(retry.reason().contains("relay"), retry.reason());
                assertInstanceOf(SendOutcome.Retry.class, send(s));
                assertEquals(2, relay.connections.get(), "a reset connection is replaced, never reused");
                assertEquals(2, relay.messages.size(), "the whole message went out before each reset");
                // The Message-ID is the same on every attempt of a delivery, so a relay that did keep the first copy
                // lets the receiver drop the second (SmtpSender's class comment).
            } finally {
                s.close();
            }
        }
    }

    @Test
    void requiredStartTlsWithACertificateTheSenderDoesNotTrustIsRetriedAndSendsNothingInClear() throws Exception {
        List<String> received = new CopyOnWriteArrayList<>();
        SMTPServer server = SMTPServer.port(0).bindAddress(InetAddress.getLoopbackAddress()).hostName("peer.test")
                .enableTLS().requireTLS()
                .startTlsSocketFactory(TestCertificates.serverContext())
                .messageHandler((context, from, to, data) -> received.add(new String(data, StandardCharsets.UTF_8)))
                .build();
        server.start();
        try {
            SmtpSender s = SmtpSender.create(Emails.relayRequiringStartTls(server.getPortAllocated()),
                    VIRTUAL_THREADS, clock);
            try {
                var outcome = send(s);
                // The certificate is for 127.0.0.1 but signed by the test CA, which the JDK's trust store lacks.
                var retry = assertInstanceOf(SendOutcome.Retry.class, outcome, outcome.describe());
                assertTrue(retry.reason().startsWith("TLS with the relay failed"), retry.reason());
            } finally {
                s.close();
            }
        } finally {
            server.stop();
        }
        assertEquals(List.of(), received, "nothing travels in clear text");
    }

    /** A raw relay that takes a whole message (through the final dot) and then resets the connection. */
    private static final class ResettingRelay implements AutoCloseable {
        final AtomicInteger connections = new AtomicInteger();
        final List<String> messages = new CopyOnWriteArrayList<>();
        private final ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());

        ResettingRelay() throws IOException {
            Thread.ofPlatform().daemon(true).start(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket s = server.accept();
                        connections.incrementAndGet();
                        Thread.ofVirtual().start(() -> converse(s));
                    } catch (IOException closed) {
                        return;
                    }
                }
            });
        }

        int port() {
            return server.getLocalPort();
        }

        private void converse(Socket s) {
            try (s) {
                s.setSoTimeout(5_000);
                var in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
                OutputStream out = s.getOutputStream();
                reply(out, "220 peer.test ESMTP");
                String line;
                while ((line = in.readLine()) != null) {
                    String verb = line.length() >= 4 ? line.substring(0, 4).toUpperCase(java.util.Locale.ROOT) : line;
                    switch (verb) {
                        case "EHLO", "HELO" -> reply(out, "250 peer.test");
                        case "MAIL", "RCPT", "RSET", "NOOP" -> reply(out, "250 ok");
                        case "DATA" -> {
                            reply(out, "354 go ahead");
                            StringBuilder data = new StringBuilder();
                            while ((line = in.readLine()) != null && !line.equals(".")) {
                                data.append(line).append('\n');
                            }
                            messages.add(data.toString());
                            s.setSoLinger(true, 0); // no 250: a reset instead
                            return;
                        }
                        default -> reply(out, "502 not implemented");
                    }
                }
            } catch (IOException e) {
                // the client went away
            }
        }

        private static void reply(OutputStream out, String line) throws IOException {
            out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
