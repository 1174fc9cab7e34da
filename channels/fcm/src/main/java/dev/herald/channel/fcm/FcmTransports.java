package dev.herald.channel.fcm;

import com.google.api.client.http.HttpTransport;
import com.google.firebase.internal.ApacheHttp2Transport;
import java.net.URI;
import java.util.Locale;
import java.util.Optional;
import org.apache.hc.client5.http.HttpRoute;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClientBuilder;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.net.URIAuthority;

/**
 * The HTTP transport handed to Firebase through {@code FirebaseOptions.Builder.setHttpTransport}
 * (providers.md §2.4, way 2): the SDK's own production transport, Apache HttpClient 5 async with HTTP/2 and
 * HttpClient's retries off, one client per sender so {@code close()} releases its connections.
 *
 * <p>With an endpoint, every request goes to that base URL instead of {@code https://fcm.googleapis.com}: the
 * route planner connects to the endpoint, and a request interceptor rewrites the authority (Host header) and
 * puts the endpoint's path in front of {@code /v1/projects/...}.
 */
final class FcmTransports {
    private FcmTransports() {
    }

    /** The transport for {@code FirebaseOptions} and the client under it, which only its owner closes. */
    record FcmTransport(HttpTransport transport, CloseableHttpAsyncClient client) {
        /** Closes the connections once their requests are answered (quick when nothing is in flight). */
        void close() {
            client.close(CloseMode.GRACEFUL);
        }

        /** Closes every connection now: requests in flight fail at once. */
        void closeNow() {
            client.close(CloseMode.IMMEDIATE);
        }
    }

    static FcmTransport create(Optional<URI> endpoint) {
        HttpAsyncClientBuilder builder = ApacheHttp2Transport.defaultHttpAsyncClientBuilder();
        endpoint.ifPresent(base -> redirect(builder, base));
        CloseableHttpAsyncClient client = builder.build();
        return new FcmTransport(new ApacheHttp2Transport(client), client);
    }

    private static void redirect(HttpAsyncClientBuilder builder, URI base) {
        String scheme = base.getScheme() == null ? "https" : base.getScheme().toLowerCase(Locale.ROOT);
        if ((!scheme.equals("http") && !scheme.equals("https")) || base.getHost() == null) {
            throw new IllegalArgumentException("FCM endpoint must be an http(s) URL with a host, was " + base);
        }
        boolean secure = scheme.equals("https");
        int port = base.getPort() > 0 ? base.getPort() : secure ? 443 : 80;
        HttpHost target = new HttpHost(scheme, base.getHost(), port);
        String prefix = base.getRawPath() == null ? "" : base.getRawPath().replaceAll("/+$", "");
        builder.setRoutePlanner((ignoredTarget, context) -> new HttpRoute(target, null, secure));
        builder.addRequestInterceptorFirst((request, entity, context) -> {
            request.setScheme(scheme);
            request.setAuthority(new URIAuthority(target.getHostName(), port));
            if (!prefix.isEmpty()) {
                request.setPath(prefix + request.getPath());
            }
        });
    }
}
