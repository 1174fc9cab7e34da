package dev.herald.gateway.http;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.util.ReferenceCountUtil;

/**
 * Netty's aggregator, but its 413 and 417 answers carry a JSON body like every other response (Netty's
 * own are empty, which breaks clients that always parse JSON, such as the braze-api npm client).
 */
final class JsonBodyAggregator extends HttpObjectAggregator {
    private final int maxBody;

    JsonBodyAggregator(int maxBody) {
        super(maxBody, true);
        this.maxBody = maxBody;
    }

    @Override
    protected Object newContinueResponse(HttpMessage start, int maxContentLength, ChannelPipeline pipeline) {
        Object response = super.newContinueResponse(start, maxContentLength, pipeline);
        if (response instanceof HttpResponse r && r.status().code() >= 400) {
            int code = r.status().code();
            ReferenceCountUtil.release(response);
            return Responses.closing(code, code == 413 ? tooLarge() : "Expectation Failed");
        }
        return response;
    }

    /**
     * Answers 413. As in Netty's own handling, the connection stays open when the client may still be sending
     * the body (the aggregator then discards it): closing at once would reset the connection under a client
     * that is still writing, and it would never read the answer.
     */
    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
        boolean close = oversized instanceof io.netty.handler.codec.http.FullHttpMessage
                || !ctx.channel().config().isAutoRead()
                || !HttpUtil.is100ContinueExpected(oversized) && !HttpUtil.isKeepAlive(oversized);
        if (close) {
            ctx.writeAndFlush(Responses.closing(413, tooLarge())).addListener(ChannelFutureListener.CLOSE);
        } else {
            ctx.writeAndFlush(Responses.toNetty(ApiResponse.error(413, tooLarge(), java.util.List.of())))
                    .addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        }
    }

    private String tooLarge() {
        return "Request Entity Too Large: the body exceeds " + maxBody + " bytes";
    }
}
