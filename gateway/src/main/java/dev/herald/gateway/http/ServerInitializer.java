package dev.herald.gateway.http;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;

/**
 * The pipeline: the connection limit, idle and request timeouts, codec, keep-alive, bounded body aggregation with
 * JSON errors, then the request handler.
 */
final class ServerInitializer extends ChannelInitializer<SocketChannel> {
    private final RequestProcessor processor;
    private final int maxBody;
    private final ConnectionLimits limits;
    private final ConnectionCount count;
    private final InFlightRequests inFlight;
    private final ChannelGroup connections;

    ServerInitializer(RequestProcessor processor, int maxBody, ConnectionLimits limits, ConnectionCount count,
                      InFlightRequests inFlight, ChannelGroup connections) {
        this.processor = processor;
        this.maxBody = maxBody;
        this.limits = limits;
        this.count = count;
        this.inFlight = inFlight;
        this.connections = connections;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        if (!count.tryOpen()) {
            ch.close(); // beyond the limit: closed at once, so a flood cannot hold file descriptors (and is counted)
            return;
        }
        ch.closeFuture().addListener(f -> count.closed());
        connections.add(ch);
        var requestTimeout = new RequestTimeout(limits.requestTimeout());
        ch.pipeline()
                // Idle = neither read nor written for the timeout; the handler ignores it while it owes an answer.
                .addLast("idle", new IdleStateHandler(0, 0, limits.idleTimeout().toNanos(), TimeUnit.NANOSECONDS))
                .addLast("requestStart", requestTimeout.firstBytes())
                .addLast("codec", new HttpServerCodec(8192, 16 * 1024, 16 * 1024))
                .addLast("keepAlive", new HttpServerKeepAliveHandler())
                .addLast("requestTimeout", requestTimeout.messages())
                .addLast("aggregator", new JsonBodyAggregator(maxBody))
                .addLast("handler", new ConnectionHandler(processor, inFlight));
    }
}
