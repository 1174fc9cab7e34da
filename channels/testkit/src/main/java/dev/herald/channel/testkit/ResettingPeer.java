package dev.herald.channel.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A raw TCP peer on 127.0.0.1:0 that breaks every connection: the faults a real server cannot be scripted to make.
 * It reads what the client sends (an HTTP request head and its body, or only the first bytes for a TLS or SMTP
 * client), records it, and then, as its {@link Mode} says, resets the connection (SO_LINGER 0: the client sees a
 * TCP RST, not an orderly close) or writes half a response first.
 */
public final class ResettingPeer implements AutoCloseable {
    /** What the peer does with each connection. */
    public enum Mode {
        /** Reads the whole HTTP request, then resets: the request arrived, no response ever comes. */
        RESET_AFTER_REQUEST,
        /**
         * Reads the whole HTTP request, writes a status line ({@code 200}), headers and half the announced body, then
         * closes (an orderly close, so the client surely reads the head before the connection ends).
         */
        HALF_RESPONSE_THEN_CLOSE,
        /** Reads the first bytes the client sends (a TLS ClientHello, an SMTP client's nothing), then resets. */
        RESET_AT_FIRST_BYTES,
        /**
         * Reads the first bytes and answers them with a plain-text {@code HTTP/1.1 400}, then closes: a plain HTTP
         * server spoken to over TLS, as nginx answers a ClientHello on its plain port.
         */
        PLAIN_HTTP_AT_FIRST_BYTES
    }

    private final ServerSocket server;
    private final Mode mode;
    private final List<String> received = new CopyOnWriteArrayList<>();
    private final Thread acceptor;
    private volatile boolean closed;

    /** Starts the peer on any free port. */
    public ResettingPeer(Mode mode) throws IOException {
        this.mode = mode;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = Thread.ofPlatform().daemon(true).name("resetting-peer-" + server.getLocalPort())
                .start(this::acceptLoop);
    }

    private void acceptLoop() {
        while (!closed) {
            Socket s;
            try {
                s = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            Thread.ofVirtual().start(() -> handle(s));
        }
    }

    private void handle(Socket s) {
        try (s) {
            s.setSoTimeout(5_000);
            InputStream in = s.getInputStream();
            if (mode == Mode.RESET_AT_FIRST_BYTES || mode == Mode.PLAIN_HTTP_AT_FIRST_BYTES) {
                byte[] buf = new byte[4096];
                int n = in.read(buf);
                received.add(n <= 0 ? "" : new String(buf, 0, n, StandardCharsets.ISO_8859_1));
            } else {
                received.add(readRequest(in));
            }
            if (mode == Mode.HALF_RESPONSE_THEN_CLOSE) {
                OutputStream out = s.getOutputStream();
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n"
                        + "{\"sid\":\"SM").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                s.shutdownOutput();
                return;
            }
            if (mode == Mode.PLAIN_HTTP_AT_FIRST_BYTES) {
                s.getOutputStream().write(("HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\n"
                        + "Content-Length: 11\r\nConnection: close\r\n\r\nBad Request").getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
                return; // an orderly close
            }
            s.setSoLinger(true, 0); // close() now sends RST
        } catch (IOException e) {
            // the client went away first: nothing to record
        }
    }

    /** An HTTP/1.1 request: the head up to the blank line, then Content-Length bytes or chunks up to the last. */
    private static String readRequest(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                return head.toString(StandardCharsets.ISO_8859_1);
            }
            head.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        String lower = text.toLowerCase(Locale.ROOT);
        int at = lower.indexOf("\ncontent-length:");
        if (at >= 0) {
            int eol = lower.indexOf('\r', at + 1);
            int length = Integer.parseInt(lower.substring(at + "\ncontent-length:".length(), eol).trim());
            return text + new String(in.readNBytes(length), StandardCharsets.UTF_8);
        }
        if (lower.contains("\ntransfer-encoding: chunked")) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            while (true) {
                int b = in.read();
                if (b < 0) {
                    break;
                }
                body.write(b);
                byte[] sofar = body.toByteArray();
                // "0\r\n\r\n" at the start of a chunk line ends the body
                if (sofar.length >= 5 && new String(sofar, sofar.length - 5, 5, StandardCharsets.ISO_8859_1)
                        .equals("0\r\n\r\n") && (sofar.length == 5 || sofar[sofar.length - 6] == '\n')) {
                    break;
                }
            }
            return text + body.toString(StandardCharsets.UTF_8);
        }
        return text;
    }

    /** The bound port. */
    public int port() {
        return server.getLocalPort();
    }

    /** {@code scheme://127.0.0.1:port} followed by {@code path}. */
    public URI url(String scheme, String path) {
        return URI.create(scheme + "://127.0.0.1:" + port() + path);
    }

    /** What each connection sent before the peer broke it: an HTTP request (head and body) or the first bytes. */
    public List<String> received() {
        return List.copyOf(received);
    }

    /** Stops accepting; the port is free again (e.g. for a healthy peer to take it over). */
    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        try {
            acceptor.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
