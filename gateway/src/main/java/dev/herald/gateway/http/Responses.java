package dev.herald.gateway.http;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.util.List;
import java.util.Map;

/** Turns an {@link ApiResponse} into a Netty response with JSON headers. */
final class Responses {
    private Responses() {
    }

    static FullHttpResponse toNetty(ApiResponse r) {
        var response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(r.status()),
                Unpooled.wrappedBuffer(r.body()));
        var h = response.headers();
        h.set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON + "; charset=utf-8");
        h.setInt(HttpHeaderNames.CONTENT_LENGTH, r.body().length);
        for (Map.Entry<String, String> e : r.headers().entrySet()) {
            h.set(e.getKey(), e.getValue());
        }
        return response;
    }

    /**
     * The head of a streamed answer: its status and headers, {@code Transfer-Encoding: chunked}; the body follows as
     * chunks. {@code last}: the connection closes after it.
     */
    static HttpResponse streamedHead(ApiResponse r, boolean last) {
        var response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(r.status()));
        var h = response.headers();
        h.set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON + "; charset=utf-8");
        for (Map.Entry<String, String> e : r.headers().entrySet()) {
            h.set(e.getKey(), e.getValue());
        }
        HttpUtil.setTransferEncodingChunked(response, true);
        if (last) {
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        return response;
    }

    /** A JSON error that also closes the connection (the request could not be read whole). */
    static FullHttpResponse closing(int status, String message) {
        FullHttpResponse r = toNetty(ApiResponse.error(status, message, List.of()));
        r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        return r;
    }
}
