package dev.herald.gateway.http;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;

/** The pipeline: codec, keep-alive, bounded body aggregation with JSON errors, then the request handler. */
final class ServerInitializer extends ChannelInitializer<SocketChannel> {
    private final RequestProcessor processor;
    private final int maxBody;
    private final InFlightRequests inFlight;
    private final ChannelGroup connections;

    ServerInitializer(RequestProcessor processor, int maxBody, InFlightRequests inFlight, ChannelGroup connections) {
        this.processor = processor;
        this.maxBody = maxBody;
        this.inFlight = inFlight;
        this.connections = connections;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        connections.add(ch);
        ch.pipeline()
                .addLast("codec", new HttpServerCodec(8192, 16 * 1024, 16 * 1024))
                .addLast("keepAlive", new HttpServerKeepAliveHandler())
                .addLast("aggregator", new JsonBodyAggregator(maxBody))
                .addLast("handler", new ConnectionHandler(processor, inFlight));
    }
}
