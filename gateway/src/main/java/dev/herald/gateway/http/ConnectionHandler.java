package dev.herald.gateway.http;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands each request of one connection to the {@link RequestProcessor} and writes the responses back in
 * request order, even when a client pipelines requests whose answers complete out of order. One instance
 * per connection.
 */
final class ConnectionHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger logger = LoggerFactory.getLogger(ConnectionHandler.class);

    private record Pending(CompletableFuture<ApiResponse> response, boolean keepAlive) {
    }

    private final RequestProcessor processor;
    private final InFlightRequests inFlight;
    private final Deque<Pending> pending = new ArrayDeque<>();

    ConnectionHandler(RequestProcessor processor, InFlightRequests inFlight) {
        this.processor = processor;
        this.inFlight = inFlight;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        DecoderResult decoded = request.decoderResult();
        if (decoded.isFailure()) {
            boolean tooLong = decoded.cause() instanceof TooLongFrameException;
            ctx.writeAndFlush(Responses.closing(tooLong ? 431 : 400, tooLong
                    ? "Request Header Fields Too Large" : "Bad Request: malformed HTTP request"))
                    .addListener(ChannelFutureListener.CLOSE);
            return;
        }
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        var apiRequest = new ApiRequest(request.method().name(), Paths.normalise(uri.rawPath()), uri.parameters(),
                request.headers().copy(), ByteBufUtil.getBytes(request.content()), ctx.channel().remoteAddress());
        var entry = new Pending(new CompletableFuture<>(), HttpUtil.isKeepAlive(request));
        pending.addLast(entry);
        inFlight.begin();
        CompletionStage<ApiResponse> stage;
        try {
            stage = processor.process(apiRequest);
        } catch (RuntimeException e) {
            stage = CompletableFuture.failedFuture(e);
        }
        stage.whenComplete((response, failure) -> {
            ApiResponse out = failure == null ? response : ApiErrors.toResponse(failure);
            ctx.executor().execute(() -> {
                entry.response().complete(out);
                inFlight.end();
                flushReady(ctx);
            });
        });
    }

    private void flushReady(ChannelHandlerContext ctx) {
        while (!pending.isEmpty() && pending.peekFirst().response().isDone()) {
            Pending p = pending.pollFirst();
            var response = Responses.toNetty(p.response().join());
            if (!p.keepAlive()) {
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
                pending.clear();
                return;
            }
            ctx.writeAndFlush(response);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        logger.debug("closing connection from {} after an error: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
