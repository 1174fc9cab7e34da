package dev.herald.gateway.braze;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.config.WorkspaceConfig;
import dev.herald.gateway.http.ApiException;
import dev.herald.gateway.json.Json;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Validates Braze's {@code email} messaging object (braze-api.md §2.6) into its stored form. {@code from} and
 * {@code body} are required; {@code plaintext_body}, {@code preheader}, {@code reply_to} ({@code NO_REPLY_TO}
 * means none), {@code headers} and {@code extras} are kept; {@code app_id}, {@code bcc},
 * {@code should_inline_css} and {@code message_variation_id} are accepted. Templates stored in Braze
 * ({@code email_template_id}) and attachments are refused with a 400 rather than silently dropped.
 */
public final class EmailObject {
    private static final Pattern ADDRESS = Pattern.compile("[^\\s@<>]+@[^\\s@<>]+\\.[^\\s@<>]+");
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    private static final Set<String> MANAGED = Set.of("from", "to", "subject", "message-id", "content-type",
            "mime-version", "reply-to", "date", "content-transfer-encoding");

    private EmailObject() {
    }

    public static ObjectNode validate(JsonNode e, WorkspaceConfig ws) {
        if (!e.isObject()) {
            throw ApiException.badRequest("messages.email must be an object");
        }
        if (!ws.sandbox() && ws.email().isEmpty()) {
            throw ApiException.badRequest("messages.email: this workspace has no email relay configured (email.smtp)");
        }
        if (e.hasNonNull("email_template_id")) {
            throw ApiException.badRequest("messages.email.email_template_id is not supported by Herald: send the body "
                    + "(Liquid is rendered at send time)");
        }
        if (e.hasNonNull("attachments") && !(e.get("attachments").isArray() && e.get("attachments").isEmpty())) {
            throw ApiException.badRequest("messages.email.attachments are not supported by Herald yet; nothing was sent");
        }
        ObjectNode out = Json.object();
        String from = Lenient.requiredString(e, "from", "messages.email.from").trim();
        if (!WebhookObject.isTemplated(from) && !ADDRESS.matcher(address(from)).matches()) {
            throw ApiException.badRequest("messages.email.from must be an address such as \"Acme <no-reply@acme.test>\", "
                    + "was \"" + from + "\"");
        }
        out.put("from", from);
        Lenient.string(e, "reply_to", "messages.email.reply_to").filter(r -> !r.equals("NO_REPLY_TO"))
                .ifPresent(r -> out.put("reply_to", r));
        out.put("subject", Lenient.string(e, "subject", "messages.email.subject").orElse(""));
        out.put("body", Lenient.requiredString(e, "body", "messages.email.body"));
        Lenient.string(e, "plaintext_body", "messages.email.plaintext_body").ifPresent(v -> out.put("plaintext_body", v));
        Lenient.string(e, "preheader", "messages.email.preheader").ifPresent(v -> out.put("preheader", v));
        Lenient.string(e, "app_id", "messages.email.app_id").ifPresent(v -> out.put("app_id", v));
        ObjectNode headers = out.putObject("headers");
        JsonNode given = e.path("headers");
        if (!given.isMissingNode() && !given.isNull()) {
            if (!given.isObject()) {
                throw ApiException.badRequest("messages.email.headers must be an object of header names to values");
            }
            for (Map.Entry<String, JsonNode> h : given.properties()) {
                String name = h.getKey();
                String value = h.getValue().asText();
                if (!TOKEN.matcher(name).matches() || MANAGED.contains(name.toLowerCase(java.util.Locale.ROOT))) {
                    throw ApiException.badRequest("messages.email.headers: \"" + name + "\" cannot be set");
                }
                if (!h.getValue().isValueNode() || value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
                    throw ApiException.badRequest("messages.email.headers." + name + " must be a one-line string");
                }
                headers.put(name, value);
            }
        }
        if (e.hasNonNull("extras")) {
            if (!e.get("extras").isObject()) {
                throw ApiException.badRequest("messages.email.extras must be an object");
            }
            out.set("extras", e.get("extras"));
        }
        return out;
    }

    /** The bare address of {@code Name <addr>} or {@code addr}. */
    public static String address(String from) {
        int lt = from.lastIndexOf('<');
        int gt = from.lastIndexOf('>');
        return lt >= 0 && gt > lt ? from.substring(lt + 1, gt).trim() : from.trim();
    }
}
