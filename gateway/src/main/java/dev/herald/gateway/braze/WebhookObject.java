package dev.herald.gateway.braze;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.channel.WebhookMessage;
import dev.herald.gateway.http.ApiException;
import dev.herald.gateway.json.Json;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Validates Braze's {@code webhook} messaging object (braze-api.md §2.8) into its stored form:
 * {@code url}, {@code request_method} upper-cased, {@code request_headers} as strings, {@code body} as a
 * string (an object or array body is accepted and serialised).
 */
public final class WebhookObject {
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

    private WebhookObject() {
    }

    public static ObjectNode validate(JsonNode w) {
        if (!w.isObject()) {
            throw ApiException.badRequest("messages.webhook must be an object");
        }
        ObjectNode out = Json.object();
        String url = Lenient.requiredString(w, "url", "messages.webhook.url").trim();
        if (!isTemplated(url)) {
            checkUrl(url);
        }
        out.put("url", url);
        String method = Lenient.string(w, "request_method", "messages.webhook.request_method")
                .orElseThrow(() -> ApiException.badRequest(
                        "messages.webhook.request_method is required (POST, PUT, DELETE or GET)"))
                .trim().toUpperCase(Locale.ROOT);
        if (!WebhookMessage.METHODS.contains(method)) {
            throw ApiException.badRequest("messages.webhook.request_method must be POST, PUT, DELETE, PATCH or GET, was "
                    + method);
        }
        out.put("request_method", method);
        ObjectNode headers = out.putObject("request_headers");
        JsonNode given = w.path("request_headers");
        if (!given.isMissingNode() && !given.isNull()) {
            if (!given.isObject()) {
                throw ApiException.badRequest("messages.webhook.request_headers must be an object of header names to "
                        + "values");
            }
            for (Map.Entry<String, JsonNode> h : given.properties()) {
                headers.put(h.getKey(), headerValue(h.getKey(), h.getValue()));
            }
        }
        JsonNode body = w.path("body");
        if (body.isTextual()) {
            out.put("body", body.asText());
        } else if (body.isObject() || body.isArray()) {
            out.put("body", Json.text(body));
        } else if (body.isMissingNode() || body.isNull()) {
            out.put("body", "");
        } else {
            out.put("body", body.asText());
        }
        Lenient.string(w, "message_variation_id", "messages.webhook.message_variation_id")
                .ifPresent(v -> out.put("message_variation_id", v));
        return out;
    }

    private static String headerValue(String name, JsonNode value) {
        if (!TOKEN.matcher(name).matches()) {
            throw ApiException.badRequest("messages.webhook.request_headers: \"" + name + "\" is not a valid header "
                    + "name");
        }
        if (!value.isValueNode() || value.isNull()) {
            throw ApiException.badRequest("messages.webhook.request_headers." + name + " must be a string");
        }
        String v = value.asText();
        if (v.indexOf('\r') >= 0 || v.indexOf('\n') >= 0) {
            throw ApiException.badRequest("messages.webhook.request_headers." + name + " must not contain line breaks");
        }
        return v;
    }

    public static boolean isTemplated(String s) {
        return s.contains("{{") || s.contains("{%");
    }

    private static void checkUrl(String url) {
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
                return;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        throw ApiException.badRequest("messages.webhook.url must be an absolute http(s) URL, was \"" + url + "\"");
    }
}
