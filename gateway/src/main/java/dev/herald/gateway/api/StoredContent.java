package dev.herald.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.herald.config.WorkspaceConfig;
import dev.herald.gateway.braze.ContentReferences;
import dev.herald.gateway.braze.SendRequestParser;
import dev.herald.gateway.http.ApiException;
import dev.herald.gateway.live.Campaigns;
import dev.herald.gateway.model.MessageSpec;
import dev.herald.gateway.store.EmailTemplateRow;
import dev.herald.gateway.store.Store;
import dev.herald.gateway.store.StoreTx;
import dev.herald.gateway.template.ContentBlockIncludes;
import dev.herald.gateway.template.TemplateEngine;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Brings what a request's messaging objects take from the journal into the request itself, before it is validated:
 * the email template an {@code email} object names with {@code email_template_id} (its subject, body,
 * plaintext_body, preheader and should_inline_css, each unless the object gives its own, as Braze documents), then
 * every {@code {{content_blocks.${name}}}} in any string of any messaging object, replaced by the block's content.
 *
 * <p>This happens once, when the send is accepted, and the result is what the dispatch's spec keeps: an accepted
 * message renders what the template and blocks said when it was accepted, however often it is retried and even if
 * the template is updated before a scheduled send goes out. The delivery side never reads templates, so no attempt
 * waits on a lookup, and every node of a shared journal renders the same text.
 */
public final class StoredContent {
    private static final int MAX_CHARS = TemplateEngine.Limits.defaults().maxTemplateBytes();

    private final Store store;

    /** Reads templates and blocks from {@code store}. */
    public StoredContent(Store store) {
        this.store = store;
    }

    /**
     * A send body with its {@code messages} resolved; the body itself when nothing in it refers to the journal (then
     * at once, without a read). Fails with a 400 naming an unknown template or block, or a cycle of blocks.
     */
    public CompletionStage<JsonNode> resolveBody(JsonNode body, String workspace) {
        JsonNode messages = body.get("messages");
        if (messages == null || !needsJournal(messages)) {
            return CompletableFuture.completedFuture(body);
        }
        // The continuation (validation) then runs on the store's read thread: only for sends that use templates.
        return store.read(tx -> {
            ObjectNode copy = ((ObjectNode) body).deepCopy();
            copy.set("messages", resolve(tx, messages, workspace));
            return copy;
        });
    }

    /** Whether {@code messages} names a template or includes a block anywhere. */
    public static boolean needsJournal(JsonNode messages) {
        return ContentReferences.any(messages);
    }

    /**
     * The messages of a configured campaign or Canvas: as compiled at load, or, when they name a template or include
     * blocks, resolved now and validated as {@code /messages/send} validates them.
     */
    public CompletionStage<List<MessageSpec>> messagesOf(Campaigns.Compiled compiled, WorkspaceConfig ws) {
        if (!compiled.resolvedWhenSent()) {
            return CompletableFuture.completedFuture(compiled.messages());
        }
        return store.read(tx -> resolve(tx, compiled.raw(), ws.id()))
                .thenApply(resolved -> SendRequestParser.messages(resolved, Optional.of(ws)));
    }

    /** {@code messages} resolved within a unit of work on the journal (a copy when anything changed). */
    public static JsonNode resolve(StoreTx tx, JsonNode messages, String workspace) throws SQLException {
        if (!needsJournal(messages)) {
            return messages;
        }
        ObjectNode copy = ((ObjectNode) messages).deepCopy();
        if (copy.get("email") instanceof ObjectNode email && email.has("email_template_id")) {
            mergeTemplate(tx, email, workspace);
        }
        expandBlocks(tx, copy, workspace, "messages");
        return copy;
    }

    private static void mergeTemplate(StoreTx tx, ObjectNode email, String workspace) throws SQLException {
        JsonNode given = email.remove("email_template_id");
        if (given.isNull()) {
            return;
        }
        if (!given.isTextual() || given.asText().isBlank()) {
            throw ApiException.badRequest("messages.email.email_template_id must be a string");
        }
        EmailTemplateRow t = tx.emailTemplates().find(workspace, given.asText()).orElseThrow(() ->
                ApiException.badRequest("Invalid email_template_id: no email template " + given.asText()
                        + " in this workspace"));
        takeUnlessGiven(email, "subject", Optional.of(TextNode.valueOf(t.subject())));
        takeUnlessGiven(email, "body", Optional.of(TextNode.valueOf(t.body())));
        takeUnlessGiven(email, "plaintext_body", t.plaintextBody().map(TextNode::valueOf));
        takeUnlessGiven(email, "preheader", t.preheader().map(TextNode::valueOf));
        takeUnlessGiven(email, "should_inline_css", t.shouldInlineCss().map(email::booleanNode));
    }

    /** The template's value of {@code field}, unless the message gives its own (null counts as not given). */
    private static void takeUnlessGiven(ObjectNode email, String field, Optional<? extends JsonNode> fromTemplate) {
        JsonNode own = email.get(field);
        if (own != null && !own.isNull()) {
            return;
        }
        if (fromTemplate.isPresent()) {
            email.set(field, fromTemplate.get());
        } else {
            email.remove(field);
        }
    }

    private static void expandBlocks(StoreTx tx, JsonNode node, String workspace, String path) throws SQLException {
        if (node instanceof ObjectNode object) {
            for (Map.Entry<String, JsonNode> e : object.properties()) { // values replaced in place: no new keys
                if (e.getValue().isTextual()) {
                    e.setValue(TextNode.valueOf(expand(tx, e.getValue().textValue(), workspace,
                            path + "." + e.getKey())));
                } else {
                    expandBlocks(tx, e.getValue(), workspace, path + "." + e.getKey());
                }
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                if (array.get(i).isTextual()) {
                    array.set(i, TextNode.valueOf(expand(tx, array.get(i).textValue(), workspace,
                            path + "[" + i + "]")));
                } else {
                    expandBlocks(tx, array.get(i), workspace, path + "[" + i + "]");
                }
            }
        }
    }

    /** One string with its blocks expanded; a 400 naming the field when a block is unknown or cycles. */
    static String expand(StoreTx tx, String text, String workspace, String path) throws SQLException {
        try {
            return ContentBlockIncludes.expand(text, name -> tx.contentBlocks().findByName(workspace, name)
                    .map(b -> b.content()), MAX_CHARS);
        } catch (ContentBlockIncludes.Refused e) {
            throw ApiException.badRequest(path + ": " + e.getMessage());
        }
    }
}
