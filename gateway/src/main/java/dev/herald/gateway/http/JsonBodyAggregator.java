package dev.herald.gateway.http;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponse;
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

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
        ctx.writeAndFlush(Responses.closing(413, tooLarge())).addListener(ChannelFutureListener.CLOSE);
    }

    private String tooLarge() {
        return "Request Entity Too Large: the body exceeds " + maxBody + " bytes";
    }
}
