package dev.herald.gateway;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.subethamail.smtp.MessageContext;
import org.subethamail.smtp.MessageHandler;
import org.subethamail.smtp.RejectException;
import org.subethamail.smtp.server.SMTPServer;

/**
 * An SMTP relay on 127.0.0.1:0 (SubEthaSMTP) whose answer to each recipient the test scripts: a function from
 * the recipient address to a rejection, or null to accept. Records the messages it accepted.
 */
final class RelayPeer implements AutoCloseable {
    private final SMTPServer server;
    private final List<String> received = new CopyOnWriteArrayList<>();
    private volatile Function<String, RejectException> verdict = r -> null;

    RelayPeer() {
        this(0);
    }

    RelayPeer(int port) {
        server = SMTPServer.port(port).bindAddress(InetAddress.getLoopbackAddress()).hostName("relay.test")
                .messageHandlerFactory(this::handler).build();
        server.start();
    }

    int port() {
        return server.getPortAllocated();
    }

    RelayPeer answer(Function<String, RejectException> verdict) {
        this.verdict = verdict;
        return this;
    }

    List<String> received() {
        return List.copyOf(received);
    }

    private MessageHandler handler(MessageContext context) {
        return new MessageHandler() {
            @Override
            public void from(String from) {
            }

            @Override
            public void recipient(String recipient) throws RejectException {
                RejectException r = verdict.apply(recipient);
                if (r != null) {
                    throw r;
                }
            }

            @Override
            public String data(InputStream data) throws IOException {
                received.add(new String(data.readAllBytes(), StandardCharsets.UTF_8));
                return null;
            }

            @Override
            public void done() {
            }
        };
    }

    @Override
    public void close() {
        server.stop();
    }
}
