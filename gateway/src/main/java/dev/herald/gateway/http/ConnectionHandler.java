package dev.herald.gateway.http;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.IdleStateEvent;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands each request of one connection to the {@link RequestProcessor} and writes the responses back in
 * request order, even when a client pipelines requests whose answers complete out of order. One instance
 * per connection. It also decides when the connection closes: after an idle spell, a request that did not
 * arrive in time (408), a client's half-close, or a request that cannot be served on it (malformed, unknown HTTP
 * version), always after the answers already owed.
 */
final class ConnectionHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger logger = LoggerFactory.getLogger(ConnectionHandler.class);

    private record Pending(CompletableFuture<ApiResponse> response, boolean keepAlive) {
    }

    private final RequestProcessor processor;
    private final InFlightRequests inFlight;
    private final Deque<Pending> pending = new ArrayDeque<>();
    private boolean closing; // the connection closes once the answers owed are written
    private boolean streaming; // a chunked body is being written: the answers after it wait for its end

    ConnectionHandler(RequestProcessor processor, InFlightRequests inFlight) {
        this.processor = processor;
        this.inFlight = inFlight;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (closing) {
            return; // arrived after the connection was given up on: never run, and never answered
        }
        DecoderResult decoded = request.decoderResult();
        if (decoded.isFailure()) {
            boolean tooLong = decoded.cause() instanceof TooLongFrameException;
            answerAndClose(ctx, ApiResponse.error(tooLong ? 431 : 400, tooLong
                    ? "Request Header Fields Too Large" : "Bad Request: malformed HTTP request", List.of()));
            return;
        }
        HttpVersion version = request.protocolVersion();
        if (version.majorVersion() != 1 || version.minorVersion() > 1) {
            // Netty's decoder takes any HTTP/x.y; a version whose rules we don't follow must not be served as 1.1.
            answerAndClose(ctx, ApiResponse.error(400, "Bad Request: unsupported HTTP version " + version.text()
                    + " (HTTP/1.1 and HTTP/1.0 are)", List.of()));
            return;
        }
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        var apiRequest = new ApiRequest(request.method().name(), Paths.normalise(uri.rawPath()), uri.parameters(),
                request.headers().copy(), ByteBufUtil.getBytes(request.content()), ctx.channel().remoteAddress());
        var entry = new Pending(new CompletableFuture<>(), HttpUtil.isKeepAlive(request));
        pending.addLast(entry);
        closing |= !entry.keepAlive(); // the client's last request: any pipelined after it are not run
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

    /**
     * Idle and request timeouts, and a client that half-closed. A connection is idle only while it owes us no
     * request and we owe it no answer: a client waiting on Herald is not idle.
     */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        switch (evt) {
            case IdleStateEvent idle -> {
                if (pending.isEmpty() && !streaming) {
                    logger.debug("closing idle connection from {}", ctx.channel().remoteAddress());
                    ctx.close();
                }
            }
            case RequestTimeout.TimedOut t -> {
                if (t.answered()) {
                    closeAfterAnswers(ctx);
                } else {
                    answerAndClose(ctx, ApiResponse.error(408, "Request Timeout: the request did not arrive whole"
                            + " within " + t.after().toMillis() + " ms", List.of()));
                }
            }
            // With half-closure allowed the client's shutdown(SHUT_WR) arrives here instead of closing the channel:
            // what it sent is still answered, then the connection closes.
            case ChannelInputShutdownEvent shut -> closeAfterAnswers(ctx);
            default -> ctx.fireUserEventTriggered(evt);
        }
    }

    /** Answers after every answer already owed, then closes; nothing the client sends afterwards is run. */
    private void answerAndClose(ChannelHandlerContext ctx, ApiResponse response) {
        pending.addLast(new Pending(CompletableFuture.completedFuture(response), false));
        closing = true;
        flushReady(ctx);
    }

    /** Closes once the answers owed are written; nothing the client sends afterwards is run. */
    private void closeAfterAnswers(ChannelHandlerContext ctx) {
        closing = true;
        if (pending.isEmpty() && !streaming) {
            ctx.close();
        }
    }

    private void flushReady(ChannelHandlerContext ctx) {
        while (!streaming && !pending.isEmpty() && pending.peekFirst().response().isDone()) {
            Pending p = pending.pollFirst();
            ApiResponse answer = p.response().join();
            if (answer.stream() != null) {
                boolean last = !p.keepAlive() || closing && pending.isEmpty();
                streaming = true;
                if (last) {
                    pending.clear();
                    closing = true;
                }
                ctx.writeAndFlush(Responses.streamedHead(answer, last));
                pump(ctx, answer.stream(), last);
                return;
            }
            var response = Responses.toNetty(answer);
            if (!p.keepAlive() || closing && pending.isEmpty()) {
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
                pending.clear();
                closing = true;
                return;
            }
            ctx.writeAndFlush(response);
        }
    }

    /**
     * Writes a streamed body: asks the source for a chunk only once the previous one is on the socket, so at most one
     * chunk is in memory, and stops asking when the client has gone. A source that fails after the headers were sent
     * can only close the connection: the client sees a truncated body.
     */
    private void pump(ChannelHandlerContext ctx, ChunkSource source, boolean last) {
        CompletionStage<byte[]> next;
        try {
            next = source.next();
        } catch (RuntimeException e) {
            next = CompletableFuture.failedFuture(e);
        }
        next.whenComplete((chunk, failure) -> ctx.executor().execute(() -> {
            if (failure != null) {
                logger.warn("a streamed answer failed after its headers were sent; closing the connection: {}",
                        ApiErrors.unwrap(failure).toString());
                ctx.close();
                return;
            }
            if (!ctx.channel().isActive()) {
                return;
            }
            if (chunk.length == 0) {
                var end = ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
                streaming = false;
                if (last) {
                    end.addListener(ChannelFutureListener.CLOSE);
                } else if (closing && pending.isEmpty()) {
                    ctx.close();
                } else {
                    flushReady(ctx);
                }
                return;
            }
            ctx.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(chunk))).addListener(written -> {
                if (written.isSuccess()) {
                    pump(ctx, source, last);
                } else {
                    ctx.close();
                }
            });
        }));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        logger.debug("closing connection from {} after an error: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
