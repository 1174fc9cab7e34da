package dev.herald.loadtest;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import org.subethamail.smtp.MessageHandler;
import org.subethamail.smtp.server.SMTPServer;

/**
 * The email benchmark's relay: a SubEthaSMTP server on 127.0.0.1 that accepts every message, reads its data to
 * the end and counts it.
 */
final class SmtpSink extends CountingSink {
    private final SMTPServer server;

    SmtpSink() {
        server = SMTPServer.port(0)
                .bindAddress(InetAddress.getLoopbackAddress())
                .hostName("sink.bench")
                .maxConnections(1000)
                .messageHandlerFactory(context -> new MessageHandler() {
                    @Override
                    public void from(String from) {
                    }

                    @Override
                    public void recipient(String recipient) {
                    }

                    @Override
                    public String data(InputStream data) throws java.io.IOException {
                        data.transferTo(OutputStream.nullOutputStream());
                        count();
                        return null;
                    }

                    @Override
                    public void done() {
                    }
                })
                .build();
        server.start();
    }

    int port() {
        return server.getPortAllocated();
    }

    @Override
    public void close() {
        server.stop();
    }
}
