package dev.herald.gateway.binding;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.channel.Channel;
import dev.herald.channel.SendOutcome;
import dev.herald.channel.WebhookMessage;
import dev.herald.channel.webhook.WebhookSender;
import dev.herald.config.WorkspaceConfig;
import dev.herald.gateway.http.ApiException;
import dev.herald.gateway.http.Lenient;
import dev.herald.gateway.model.WebhookSpec;
import dev.herald.gateway.store.DeliveryRow;
import dev.herald.gateway.store.StoreTx;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Webhooks (braze-api.md §2.8): an HTTP request to a URL the message gives. Needs no profile; the target's 2xx is
 * evidence of delivery. One sender (Apache HttpClient with the SSRF guard) for every workspace.
 */
public final class WebhookBinding implements ChannelBinding<WebhookSpec, WebhookMessage> {
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

    WebhookBinding() {
    }

    @Override
    public Channel channel() {
        return Channel.WEBHOOK;
    }

    /**
     * {@code url} (absolute http(s), or a template), {@code request_method} upper-cased, {@code request_headers} as
     * one-line strings, {@code body} a string as in Braze (a JSON payload is sent as its text; an object or array is a
     * 400, not a guess at how to serialise it).
     */
    @Override
    public WebhookSpec parse(JsonNode w, Optional<WorkspaceConfig> workspace) {
        if (!w.isObject()) {
            throw ApiException.badRequest("messages.webhook must be an object");
        }
        String url = Lenient.requiredString(w, "url", "messages.webhook.url").trim();
        if (!isTemplated(url)) {
            checkUrl(url);
        }
        String method = Lenient.string(w, "request_method", "messages.webhook.request_method")
                .orElseThrow(() -> ApiException.badRequest(
                        "messages.webhook.request_method is required (POST, PUT, DELETE or GET)"))
                .trim().toUpperCase(Locale.ROOT);
        if (!WebhookMessage.METHODS.contains(method)) {
            throw ApiException.badRequest("messages.webhook.request_method must be POST, PUT, DELETE, PATCH or GET, was "
                    + method);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        JsonNode given = w.path("request_headers");
        if (!given.isMissingNode() && !given.isNull()) {
            if (!given.isObject()) {
                throw ApiException.badRequest("messages.webhook.request_headers must be an object of header names to "
                        + "values");
            }
            for (Map.Entry<String, JsonNode> h : given.properties()) {
                headers.put(h.getKey(), Liquid.checked(headerValue(h.getKey(), h.getValue()),
                        "messages.webhook.request_headers." + h.getKey()));
            }
        }
        JsonNode body = w.path("body");
        if (body.isContainerNode() || body.isBoolean()) {
            throw ApiException.badRequest("messages.webhook.body must be a string (send a JSON payload as its text, "
                    + "e.g. \"{\\\"a\\\":1}\"), was " + body.getNodeType().name().toLowerCase(Locale.ROOT));
        }
        String text = body.isMissingNode() || body.isNull() ? "" : body.asText();
        return new WebhookSpec(Liquid.checked(url, "messages.webhook.url"), method, headers,
                Liquid.checked(text, "messages.webhook.body"),
                Lenient.string(w, "message_variation_id", "messages.webhook.message_variation_id"));
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

    /** Whether a string holds Liquid (a templated URL is checked once rendered). */
    static boolean isTemplated(String s) {
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

    @Override
    public Reach reach(WebhookSpec spec, Addressee addressee, StoreTx tx) {
        return Reach.of(spec.url(), EgressKeys.webhook(addressee.workspace().id(), spec.url()));
    }

    @Override
    public WebhookMessage message(WebhookSpec spec, SendContext context, Fields f) throws Fields.Stop {
        String url = f.render(spec.url(), "webhook url").trim();
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new Fields.Stop(false, "webhook url is not a valid URL: " + url);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (Map.Entry<String, String> h : spec.requestHeaders().entrySet()) {
            String value = f.render(h.getValue(), "webhook header " + h.getKey());
            if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
                throw new Fields.Stop(false, "webhook header " + h.getKey() + " rendered with a line break");
            }
            headers.put(h.getKey(), value);
        }
        return new WebhookMessage(context.ref(), uri, spec.requestMethod(), headers,
                f.render(spec.body(), "webhook body"));
    }

    @Override
    public Optional<DirectoryEffect> effect(WebhookSpec spec, DeliveryRow delivery, SendOutcome outcome) {
        return Optional.empty(); // a URL is not a profile's address
    }

    /** A host ending {@code .fail} fails, {@code .retry} is retried once; anything else is delivered. */
    @Override
    public SendOutcome simulate(WebhookMessage w) {
        String host = w.url().getHost() == null ? "" : w.url().getHost().toLowerCase(Locale.ROOT);
        if (host.endsWith(".fail")) {
            return new SendOutcome.Failed("sandbox: webhook host " + host + " ends in .fail");
        }
        if (host.endsWith(".retry") && w.delivery().attempt() == 1) {
            return SendOutcome.Retry.of("sandbox: webhook host " + host + " ends in .retry (retried once)");
        }
        return SendOutcome.Accepted.withId("sandbox-" + w.delivery().id(), true);
    }

    @Override
    public Map<String, Object> describe(WebhookMessage w) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("method", w.method());
        out.put("url", w.url().toString());
        out.put("headers", new LinkedHashMap<>(w.headers()));
        out.put("body", w.body());
        return out;
    }

    @Override
    public SenderRoute<WebhookMessage> route(ChannelSenders senders) {
        return senders.webhook();
    }

    @Override
    public SenderRoute<WebhookMessage> openSenders(List<WorkspaceConfig> workspaces, SenderResources resources) {
        return SenderRoute.single(resources.webhookOverride()
                .orElseGet(() -> WebhookSender.create(resources.webhook(), resources.clock())));
    }
}
