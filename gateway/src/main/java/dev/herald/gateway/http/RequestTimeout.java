package dev.herald.gateway.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.DecoderResultProvider;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.timeout.IdleStateEvent;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * {@code server.request_timeout} for one connection: a request must arrive whole, from its first byte to the end of
 * its body, in time. Netty's timeout handlers measure silence, so a client trickling a byte a second would never
 * trip them; this measures the whole request instead. Half-sent headers produce no HTTP message at all, so
 * {@link #firstBytes()} watches the raw bytes before the codec, and {@link #messages()} watches the decoded
 * messages after it for where each request starts and ends.
 *
 * <p>When the time is up the {@link TimedOut} event goes down the pipeline to the connection handler, which answers
 * 408 and closes. While a request is arriving the connection is not idle, so {@link #messages()} holds back
 * {@link IdleStateEvent}s: that request's time is request_timeout's.
 */
final class RequestTimeout {
    /**
     * A request did not arrive whole in time.
     *
     * @param after    the request timeout
     * @param answered the request was answered while it was still arriving (the aggregator's 413), so a 408 would
     *                 be a second answer to it
     */
    record TimedOut(Duration after, boolean answered) {
    }

    private final Duration timeout;
    private @Nullable ScheduledFuture<?> deadline; // set while a request is arriving
    private @Nullable ChannelHandlerContext messages;
    // Requests received whole, and final responses written: more responses than requests means the arriving one
    // has been answered already. Counted rather than flagged, so answers to earlier pipelined requests don't count.
    private long requestsReceived;
    private long responsesWritten;

    RequestTimeout(Duration timeout) {
        this.timeout = timeout;
    }

    /** Goes before the HTTP codec: starts the clock at the first byte of a request. */
    ChannelHandler firstBytes() {
        return new FirstBytes();
    }

    /** Goes after the HTTP codec: stops the clock when the request's body has arrived. */
    ChannelHandler messages() {
        return new Messages();
    }

    private boolean arriving() {
        return deadline != null;
    }

    private void start() {
        ChannelHandlerContext ctx = messages;
        if (deadline == null && ctx != null) {
            deadline = ctx.executor().schedule(() -> expire(ctx), timeout.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    private void expire(ChannelHandlerContext ctx) {
        deadline = null;
        ctx.fireUserEventTriggered(new TimedOut(timeout, responsesWritten > requestsReceived));
    }

    private void stop() {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
    }

    private final class FirstBytes extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof ByteBuf bytes && bytes.isReadable()) {
                start();
            }
            ctx.fireChannelRead(msg);
        }
    }

    private final class Messages extends ChannelDuplexHandler {
        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            messages = ctx;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpRequest) {
                start(); // a pipelined request whose first bytes came with the end of the one before
            }
            boolean failed = msg instanceof DecoderResultProvider p && p.decoderResult().isFailure();
            if (msg instanceof LastHttpContent || failed) {
                stop(); // a malformed request ends here too: it is answered 400 at once
                requestsReceived++;
            }
            ctx.fireChannelRead(msg);
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            if (msg instanceof HttpResponse r && r.status().codeClass() != HttpStatusClass.INFORMATIONAL) {
                responsesWritten++;
            }
            ctx.write(msg, promise);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof IdleStateEvent && arriving()) {
                return;
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            stop();
            ctx.fireChannelInactive();
        }
    }
}
