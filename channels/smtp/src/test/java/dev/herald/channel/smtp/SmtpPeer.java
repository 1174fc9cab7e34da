package dev.herald.channel.smtp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.subethamail.smtp.AuthenticationHandlerFactory;
import org.subethamail.smtp.MessageContext;
import org.subethamail.smtp.MessageHandler;
import org.subethamail.smtp.RejectException;
import org.subethamail.smtp.server.SMTPServer;
import org.subethamail.smtp.server.Session;
import org.subethamail.smtp.server.SessionHandler;

/**
 * A SubEthaSMTP relay on 127.0.0.1:0 that answers what the test scripts: one-shot rejections per step, a
 * connection dropped or a reply withheld during DATA. Counts connections and concurrent transactions.
 */
final class SmtpPeer implements AutoCloseable {
    enum Step { MAIL_FROM, RCPT_TO, DATA }

    private final Map<Step, Queue<RejectException>> rejections = Map.of(Step.MAIL_FROM,
            new ConcurrentLinkedQueue<>(), Step.RCPT_TO, new ConcurrentLinkedQueue<>(), Step.DATA,
            new ConcurrentLinkedQueue<>());
    private final List<Session> sessions = new CopyOnWriteArrayList<>();
    private final List<String> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger inTransaction = new AtomicInteger();
    private final AtomicInteger maxInTransaction = new AtomicInteger();
    private final SMTPServer server;
    private volatile boolean dropDuringData;
    private volatile @Nullable CountDownLatch holdDataReply;

    SmtpPeer() {
        this(null, false);
    }

    SmtpPeer(@Nullable AuthenticationHandlerFactory auth, boolean requireAuth) {
        SMTPServer.Builder b = SMTPServer.port(0)
                .bindAddress(InetAddress.getLoopbackAddress())
                .hostName("peer.test")
                .messageHandlerFactory(this::handler)
                .sessionHandler(new CountingSessions());
        if (auth != null) {
            b.authenticationHandlerFactory(auth).requireAuth(requireAuth);
        }
        server = b.build();
        server.start();
    }

    int port() {
        return server.getPortAllocated();
    }

    /** The next transaction is refused at {@code step} with this reply; later ones are accepted. */
    void rejectNext(Step step, int code, String text) {
        rejections.get(step).add(new RejectException(code, text));
    }

    /** Every later transaction loses its connection after the message data arrives, before any reply. */
    void dropConnectionDuringData() {
        dropDuringData = true;
    }

    /** Later transactions get no reply to their data until {@code release} opens. */
    void withholdDataReplyUntil(CountDownLatch release) {
        holdDataReply = release;
    }

    /** Closes every open connection from this side, as a relay timing out idle clients does. */
    void dropOpenConnections() throws IOException {
        for (Session s : sessions) {
            s.closeSocket();
        }
    }

    int connections() {
        return connections.get();
    }

    int maxConcurrentTransactions() {
        return maxInTransaction.get();
    }

    List<String> received() {
        return received;
    }

    @Override
    public void close() {
        CountDownLatch held = holdDataReply;
        if (held != null) {
            held.countDown();
        }
        server.stop();
    }

    private MessageHandler handler(MessageContext context) {
        return new MessageHandler() {
            @Override
            public void from(String from) throws RejectException {
                maxInTransaction.accumulateAndGet(inTransaction.incrementAndGet(), Math::max);
                rejectIfScripted(Step.MAIL_FROM);
            }

            @Override
            public void recipient(String recipient) throws RejectException {
                rejectIfScripted(Step.RCPT_TO);
            }

            @Override
            public @Nullable String data(InputStream data) throws RejectException, IOException {
                String message = new String(readAll(data), StandardCharsets.UTF_8);
                if (dropDuringData) {
                    ((Session) context).closeSocket();
                    return null;
                }
                CountDownLatch held = holdDataReply;
                if (held != null) {
                    awaitQuietly(held);
                }
                rejectIfScripted(Step.DATA);
                received.add(message);
                return null;
            }

            @Override
            public void done() {
                inTransaction.decrementAndGet();
            }
        };
    }

    private void rejectIfScripted(Step step) throws RejectException {
        RejectException next = rejections.get(step).poll();
        if (next != null) {
            throw next;
        }
    }

    private static byte[] readAll(InputStream in) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private final class CountingSessions implements SessionHandler {
        @Override
        public SessionAcceptance accept(Session session) {
            connections.incrementAndGet();
            sessions.add(session);
            return SessionAcceptance.success();
        }

        @Override
        public void onSessionEnd(Session session) {
            sessions.remove(session);
        }
    }
}
