package dev.herald.loadtest;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.time.Duration;
import java.util.Date;
import java.util.Properties;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code loadtest/bench smtp}: Herald's email to users with an address (created through {@code /users/track}) via a
 * loopback {@link SmtpSink} relay, beside raw Angus Mail sending the same message (HTML with a text alternative,
 * one recipient) over {@code pool} kept-open connections, one blocking sender thread each, as Herald's relay pool
 * of the same size does.
 */
final class SmtpEgress implements EgressBenchmark.Egress {
    private static final String FROM = "Acme <no-reply@acme.test>";
    private static final String SUBJECT = "Your order has shipped";
    private static final String HTML = "<p>Your order #4711 has shipped.</p>";
    private static final String TEXT = "Your order #4711 has shipped.";

    private final SmtpSink sink;
    private final int pool;
    private final Session session;
    private final BlockingQueue<Connection> transports;
    private final ExecutorService senders;
    private final AtomicReference<String> firstFailure = new AtomicReference<>();

    SmtpEgress(int pool) throws MessagingException {
        this.sink = new SmtpSink();
        this.pool = pool;
        // The same workaround Herald's SMTP channel applies (StreamProviderPin): without it Jakarta Mail scans the
        // class path for its StreamProvider several times per message, and the ceiling would be Jakarta Mail's bug.
        if (System.getProperty("jakarta.mail.util.StreamProvider") == null) {
            System.setProperty("jakarta.mail.util.StreamProvider", "org.eclipse.angus.mail.util.MailStreamProvider");
        }
        var props = new Properties();
        props.put("mail.smtp.host", "127.0.0.1");
        props.put("mail.smtp.port", String.valueOf(sink.port()));
        props.put("mail.smtp.connectiontimeout", "5000");
        props.put("mail.smtp.timeout", "30000");
        this.session = Session.getInstance(props);
        this.transports = new ArrayBlockingQueue<>(pool);
        for (int i = 0; i < pool; i++) {
            transports.add(new Connection(session.getTransport("smtp")));
        }
        this.senders = Executors.newFixedThreadPool(pool, Thread.ofPlatform().daemon().name("raw-angus-", 1).factory());
    }

    @Override
    public String unit() {
        return "emails";
    }

    @Override
    public String ceilingName() {
        return "raw angus";
    }

    @Override
    public String describe() {
        return "Herald's relay pool and raw Angus Mail both " + pool + " connections; both to one loopback "
                + "SubEthaSMTP relay (accepts all)";
    }

    @Override
    public DeliverySink sink() {
        return sink;
    }

    @Override
    public String yaml() {
        return "    email: { smtp: { host: 127.0.0.1, port: %d, starttls: disabled, pool: %d } }\n"
                .formatted(sink.port(), pool);
    }

    @Override
    public void prepare(int heraldPort, int users) throws Exception {
        UserTracker.track(heraldPort, EgressBenchmark.KEY, users,
                i -> "{\"external_id\":\"" + user(i) + "\",\"email\":\"" + user(i) + "@bench.test\"}");
    }

    private static String user(int i) {
        return "mail-user-" + i;
    }

    @Override
    public String sendBody(int first, int count, int users) {
        var ids = new StringBuilder();
        for (int i = 0; i < count; i++) {
            ids.append(i == 0 ? "\"" : ",\"").append(user((first + i) % users)).append('"');
        }
        return "{\"external_user_ids\":[" + ids + "],\"messages\":{\"email\":{\"from\":\"" + FROM
                + "\",\"subject\":\"" + SUBJECT + "\",\"body\":\"" + HTML + "\"}}}";
    }

    @Override
    public CeilingLoop.Result raw(Duration warmup, Duration measure, long max) throws InterruptedException {
        return CeilingLoop.run("raw Angus", sink, pool, i -> CompletableFuture.supplyAsync(() -> send(i), senders),
                warmup, measure, max);
    }

    /** Composes the message as an application would and sends it on a free pooled connection. */
    private boolean send(int i) {
        Connection c;
        try {
            c = transports.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        try {
            var message = new MimeMessage(session);
            message.setFrom(new InternetAddress(FROM));
            InternetAddress to = new InternetAddress(user(i % 10_000) + "@bench.test");
            message.setRecipient(Message.RecipientType.TO, to);
            message.setSubject(SUBJECT, "UTF-8");
            message.setSentDate(new Date());
            var text = new MimeBodyPart();
            text.setText(TEXT, "UTF-8");
            var html = new MimeBodyPart();
            html.setContent(HTML, "text/html; charset=UTF-8");
            message.setContent(new MimeMultipart("alternative", text, html));
            message.saveChanges();
            // Connected on first use, and again after the relay dropped an idle connection (between rounds, while
            // Herald's side runs, a connection can sit idle past the relay's timeout): as an application's pool does.
            for (int attempt = 1; ; attempt++) {
                try {
                    if (!c.open) {
                        c.transport.connect();
                        c.open = true;
                    }
                    c.transport.sendMessage(message, new InternetAddress[] {to});
                    return true;
                } catch (MessagingException e) {
                    c.open = false;
                    c.transport.close();
                    if (attempt == 2) {
                        throw e;
                    }
                }
            }
        } catch (MessagingException e) {
            if (firstFailure.compareAndSet(null, e.toString())) {
                System.out.println("raw angus: " + e);
            }
            return false;
        } finally {
            transports.add(c);
        }
    }

    @Override
    public void close() throws Exception {
        senders.shutdownNow();
        for (Connection c : transports) {
            try {
                c.transport.close();
            } catch (MessagingException alreadyGone) {
                // the relay stops next anyway
            }
        }
        sink.close();
    }

    /**
     * One pooled relay connection and whether it is open, kept here rather than asked: Angus's
     * {@code isConnected()} sends a NOOP each time.
     */
    private static final class Connection {
        final Transport transport;
        boolean open;

        Connection(Transport transport) {
            this.transport = transport;
        }
    }
}
