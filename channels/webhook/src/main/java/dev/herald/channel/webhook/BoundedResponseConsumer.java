package dev.herald.channel.webhook;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.hc.client5.http.async.methods.AbstractBinResponseConsumer;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpResponse;

/**
 * Reads a webhook response while keeping at most {@link #KEEP} bytes of its body: a target answering
 * with gigabytes costs Herald nothing but the time to drain it.
 */
final class BoundedResponseConsumer extends AbstractBinResponseConsumer<WebhookResponse> {
    static final int KEEP = 512;

    private final ByteBuffer kept = ByteBuffer.allocate(KEEP);
    private HttpResponse response;

    @Override
    protected void start(HttpResponse response, ContentType contentType) {
        this.response = response;
    }

    @Override
    protected int capacityIncrement() {
        return 64 * 1024;
    }

    @Override
    protected void data(ByteBuffer src, boolean endOfStream) {
        int n = Math.min(src.remaining(), kept.remaining());
        if (n > 0) {
            ByteBuffer slice = src.slice();
            slice.limit(n);
            kept.put(slice);
        }
        src.position(src.limit());
    }

    @Override
    protected WebhookResponse buildResult() {
        String body = new String(kept.array(), 0, kept.position(), StandardCharsets.UTF_8);
        return new WebhookResponse(response.getCode(), String.valueOf(response.getReasonPhrase()),
                header("Retry-After"), header("Location"), body);
    }

    private Optional<String> header(String name) {
        Header h = response.getFirstHeader(name);
        return h == null ? Optional.empty() : Optional.ofNullable(h.getValue());
    }

    @Override
    public void releaseResources() {
    }
}
