package dev.herald.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http.HttpVersion;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The ceilings: a Netty HTTP server with Herald's pipeline shape that answers every request 201 with a
 * {@code /messages/send}-shaped body and does nothing else ({@code BareServer PORT}), or that also parses the
 * request's JSON with Jackson and writes its answer with Jackson, a fresh id each time ({@code BareServer PORT
 * json}): the second ceiling separates what HTTP + JSON cost from what Herald's own work costs. Run as its own
 * process.
 */
public final class BareServer {
    private static final byte[] BODY = "{\"dispatch_id\":\"00000000000000000000000000000000\",\"message\":\"success\"}"
            .getBytes(StandardCharsets.UTF_8);

    private BareServer() {
    }

    /** Serves until killed. */
    public static void main(String[] args) throws InterruptedException {
        int port = Integer.parseInt(args[0]);
        boolean json = args.length > 1 && args[1].equals("json");
        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        EventLoopGroup workers = new MultiThreadIoEventLoopGroup(NioIoHandler.newFactory());
        serve(boss, workers, port, () -> json ? new JsonAnswer() : new Answer()).closeFuture().sync();
    }

    /**
     * A Netty HTTP/1.1 server on 127.0.0.1:{@code port} (0: any) with Herald's pipeline shape (codec, keep-alive,
     * aggregator), each connection answered by a new {@code answer}: the ceilings and the webhook sink.
     */
    static Channel serve(EventLoopGroup boss, EventLoopGroup workers, int port, Supplier<ChannelHandler> answer)
            throws InterruptedException {
        return new ServerBootstrap().group(boss, workers).channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpServerKeepAliveHandler(),
                                new HttpObjectAggregator(4 * 1024 * 1024), answer.get());
                    }
                })
                .bind("127.0.0.1", port).sync().channel();
    }

    private static final class Answer extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            var response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CREATED,
                    Unpooled.wrappedBuffer(BODY));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json; charset=utf-8");
            response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, BODY.length);
            ctx.writeAndFlush(response);
        }
    }

    /** Parses the body into a tree and answers a Jackson-written body with a new id, as an API server must. */
    private static final class JsonAnswer extends SimpleChannelInboundHandler<FullHttpRequest> {
        private static final ObjectMapper JSON = new ObjectMapper();

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) throws IOException {
            JsonNode body;
            try (var in = new ByteBufInputStream(request.content())) {
                body = JSON.readTree((InputStream) in);
            }
            HttpResponseStatus status = body.path("messages").isObject() ? HttpResponseStatus.CREATED
                    : HttpResponseStatus.BAD_REQUEST;
            byte[] answer = JSON.writeValueAsBytes(
                    new Answered(UUID.randomUUID().toString().replace("-", ""), "success"));
            var response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(answer));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json; charset=utf-8");
            response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, answer.length);
            ctx.writeAndFlush(response);
        }
    }

    private record Answered(String dispatch_id, String message) {
    }
}
