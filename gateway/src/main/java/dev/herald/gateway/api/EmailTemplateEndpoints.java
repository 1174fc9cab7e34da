package dev.herald.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.gateway.http.Access;
import dev.herald.gateway.http.ApiCall;
import dev.herald.gateway.http.ApiException;
import dev.herald.gateway.http.ApiResponse;
import dev.herald.gateway.http.Endpoint;
import dev.herald.gateway.idempotency.Idempotency;
import dev.herald.gateway.json.Json;
import dev.herald.gateway.model.Ids;
import dev.herald.gateway.store.EmailTemplateRow;
import dev.herald.gateway.store.Store;
import dev.herald.gateway.store.StoreTx;
import dev.herald.gateway.template.ContentBlockIncludes;
import dev.herald.gateway.template.TemplateEngine;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Braze's email template API: {@code POST /templates/email/create} and {@code /update},
 * {@code GET /templates/email/list} and {@code /info}, with Braze's permission names. Templates live in the journal
 * per workspace, their names unique in it; {@code /messages/send} and schedules use one with
 * {@code email_template_id} (see {@link StoredContent}). Liquid is checked when a template is written, and every
 * Content Block it includes must exist then, as Braze requires.
 */
public final class EmailTemplateEndpoints {
    static final String NAME_REQUIRED = "Template name is required";
    static final String NAME_TAKEN = "Template with this name already exists";
    static final String INVALID_ID = "Email template ID is invalid for this workspace";
    static final String INLINE_CSS = "Invalid value for `should_inline_css`. One of `true` or `false` was expected";

    private final Store store;
    private final Clock clock;

    /** The endpoints on {@code store}; {@code clock} stamps creation and update times. */
    public EmailTemplateEndpoints(Store store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** Every route. */
    public List<Endpoint> endpoints() {
        return List.of(
                Endpoint.post("/templates/email/create", Access.permission("templates.email.create"), this::create),
                Endpoint.post("/templates/email/update", Access.permission("templates.email.update"), this::update),
                Endpoint.get("/templates/email/list", Access.permission("templates.email.list"), this::list),
                Endpoint.get("/templates/email/info", Access.permission("templates.email.info"), this::info));
    }

    private CompletionStage<ApiResponse> create(ApiCall call) {
        JsonNode body = call.body();
        String name = text(body, "template_name").filter(s -> !s.isBlank())
                .orElseThrow(() -> ApiException.badRequest(NAME_REQUIRED));
        String subject = liquid(body, "subject").orElseThrow(() -> ApiException.badRequest("Subject is required"));
        String html = liquid(body, "body").orElseThrow(() -> ApiException.badRequest("Body is required"));
        var template = new EmailTemplateRow(Ids.deliveryId(clock).toString(), call.principal().workspaceId(), name,
                subject, html, liquid(body, "plaintext_body"), liquid(body, "preheader"), inlineCss(body),
                Tags.of(body).orElse(List.of()), call.receivedAt(), call.receivedAt());
        return store.writeIngress(tx -> {
            checkBlocks(tx, template);
            if (!tx.emailTemplates().insert(template)) {
                throw ApiException.badRequest(NAME_TAKEN);
            }
            ObjectNode out = Json.object();
            out.put("email_template_id", template.id());
            out.put("message", "success");
            return Idempotency.remember(tx, call, ApiResponse.json(201, out), Optional.empty());
        });
    }

    /** Every field but the id is optional, and at least one must be given (Braze). */
    private CompletionStage<ApiResponse> update(ApiCall call) {
        JsonNode body = call.body();
        String id = text(body, "email_template_id").filter(s -> !s.isBlank())
                .orElseThrow(() -> ApiException.badRequest("email_template_id is required"));
        Optional<String> name = text(body, "template_name");
        if (name.isPresent() && name.get().isBlank()) {
            throw ApiException.badRequest(NAME_REQUIRED);
        }
        Optional<String> subject = liquid(body, "subject");
        Optional<String> html = liquid(body, "body");
        Optional<String> plaintext = liquid(body, "plaintext_body");
        Optional<String> preheader = liquid(body, "preheader");
        Optional<Boolean> inline = inlineCss(body);
        Optional<List<String>> tags = Tags.of(body);
        if (name.isEmpty() && subject.isEmpty() && html.isEmpty() && plaintext.isEmpty() && preheader.isEmpty()
                && inline.isEmpty() && tags.isEmpty()) {
            throw ApiException.badRequest("Give at least one field to update");
        }
        String workspace = call.principal().workspaceId();
        return store.writeIngress(tx -> {
            EmailTemplateRow old = tx.emailTemplates().find(workspace, id)
                    .orElseThrow(() -> ApiException.badRequest(INVALID_ID));
            var updated = new EmailTemplateRow(id, workspace, name.orElse(old.name()), subject.orElse(old.subject()),
                    html.orElse(old.body()), plaintext.or(old::plaintextBody), preheader.or(old::preheader),
                    inline.or(old::shouldInlineCss), tags.orElse(old.tags()), old.createdAt(), call.receivedAt());
            if (!updated.name().equals(old.name())
                    && tx.emailTemplates().findByName(workspace, updated.name()).isPresent()) {
                throw ApiException.badRequest(NAME_TAKEN);
            }
            checkBlocks(tx, updated);
            tx.emailTemplates().update(updated);
            ObjectNode out = Json.object();
            out.put("email_template_id", id);
            out.put("message", "success");
            return Idempotency.remember(tx, call, ApiResponse.json(201, out), Optional.empty());
        });
    }

    private CompletionStage<ApiResponse> list(ApiCall call) {
        var window = ListWindows.of(call.request(), "Template");
        return store.read(tx -> tx.emailTemplates().list(call.principal().workspaceId(), window)).thenApply(rows -> {
            ObjectNode out = Json.object();
            out.put("count", rows.size());
            var list = out.putArray("templates");
            for (EmailTemplateRow t : rows) {
                ObjectNode n = list.addObject();
                n.put("email_template_id", t.id());
                n.put("template_name", t.name());
                n.put("created_at", t.createdAt().toString());
                n.put("updated_at", t.updatedAt().toString());
                Tags.put(n, t.tags());
            }
            out.put("message", "success");
            return ApiResponse.json(200, out);
        });
    }

    private CompletionStage<ApiResponse> info(ApiCall call) {
        String id = call.request().queryParam("email_template_id").filter(s -> !s.isBlank())
                .orElseThrow(() -> ApiException.badRequest("email_template_id is required"));
        return store.read(tx -> tx.emailTemplates().find(call.principal().workspaceId(), id)).thenApply(found -> {
            EmailTemplateRow t = found.orElseThrow(() -> ApiException.badRequest(INVALID_ID));
            ObjectNode out = Json.object();
            out.put("email_template_id", t.id());
            out.put("template_name", t.name());
            out.put("subject", t.subject());
            t.preheader().ifPresent(p -> out.put("preheader", p));
            out.put("body", t.body());
            t.plaintextBody().ifPresent(p -> out.put("plaintext_body", p));
            t.shouldInlineCss().ifPresent(c -> out.put("should_inline_css", c));
            Tags.put(out, t.tags());
            out.put("created_at", t.createdAt().toString());
            out.put("updated_at", t.updatedAt().toString());
            out.put("message", "success");
            return ApiResponse.json(200, out);
        });
    }

    /** Braze refuses a template that includes a Content Block the workspace does not have. */
    private static void checkBlocks(StoreTx tx, EmailTemplateRow t) throws SQLException {
        for (String text : List.of(t.subject(), t.body(), t.plaintextBody().orElse(""), t.preheader().orElse(""))) {
            for (String block : ContentBlockIncludes.names(text)) {
                if (tx.contentBlocks().findByName(t.workspace(), block).isEmpty()) {
                    throw new ApiException(400, "Email must have valid Content Block names",
                            List.of("no Content Block named " + block));
                }
            }
        }
    }

    private static Optional<String> text(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isTextual()) {
            throw ApiException.badRequest(field + " must be a string");
        }
        return Optional.of(v.textValue());
    }

    /** A text field that must parse as (Braze's) Liquid. */
    private static Optional<String> liquid(JsonNode body, String field) {
        Optional<String> value = text(body, field);
        value.flatMap(TemplateEngine::syntaxError).ifPresent(error -> {
            throw ApiException.badRequest(field + " is not valid Liquid: " + error);
        });
        return value;
    }

    private static Optional<Boolean> inlineCss(JsonNode body) {
        JsonNode v = body.get("should_inline_css");
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isBoolean()) {
            throw ApiException.badRequest(INLINE_CSS);
        }
        return Optional.of(v.booleanValue());
    }
}
