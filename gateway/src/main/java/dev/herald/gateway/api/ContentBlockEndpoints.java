package dev.herald.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.gateway.http.Access;
import dev.herald.gateway.http.ApiCall;
import dev.herald.gateway.http.ApiException;
import dev.herald.gateway.http.ApiResponse;
import dev.herald.gateway.http.Endpoint;
import dev.herald.gateway.http.Lenient;
import dev.herald.gateway.idempotency.Idempotency;
import dev.herald.gateway.json.Json;
import dev.herald.gateway.model.Ids;
import dev.herald.gateway.store.ContentBlockRow;
import dev.herald.gateway.store.Store;
import dev.herald.gateway.store.StoreTx;
import dev.herald.gateway.template.ContentBlockIncludes;
import dev.herald.gateway.template.TemplateEngine;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;

/**
 * Braze's Content Block API: {@code POST /content_blocks/create} and {@code /update}, {@code GET /content_blocks/list}
 * and {@code /info}, with Braze's permission names and error messages. Blocks live in the journal per workspace,
 * their names unique in it; any Liquid field of a send includes one with {@code {{content_blocks.${name}}}}
 * ({@link StoredContent}). A block may include other blocks; one that would include itself, directly or through
 * others, is refused when it is written, so a send never meets a cycle Herald let in.
 *
 * <p>What Herald cannot know is left out rather than invented: {@code inclusion_count} and {@code inclusion_data}
 * (Herald does not track which messages include a block).
 */
public final class ContentBlockEndpoints {
    static final String NAME_BLANK = "Content Block name cannot be blank";
    static final String NAME_TAKEN = "Content Block with this name already exists";
    static final String INVALID_ID = "Content Block ID is invalid for this workspace";
    /** Braze: "less than 100 characters", "less than 250", "smaller than 50kb". */
    private static final int MAX_NAME = 100;
    private static final int MAX_DESCRIPTION = 250;
    private static final int MAX_CONTENT_BYTES = 50 * 1024;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]+");
    private static final Pattern HTML = Pattern.compile("<\\s*[A-Za-z!/][^>]*>");
    private static final int MAX_EXPANDED = TemplateEngine.Limits.defaults().maxTemplateBytes();

    private final Store store;
    private final Clock clock;

    /** The endpoints on {@code store}; {@code clock} stamps creation and edit times. */
    public ContentBlockEndpoints(Store store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** Every route. */
    public List<Endpoint> endpoints() {
        return List.of(
                Endpoint.post("/content_blocks/create", Access.permission("content_blocks.create"), this::create),
                Endpoint.post("/content_blocks/update", Access.permission("content_blocks.update"), this::update),
                Endpoint.get("/content_blocks/list", Access.permission("content_blocks.list"), this::list),
                Endpoint.get("/content_blocks/info", Access.permission("content_blocks.info"), this::info));
    }

    private CompletionStage<ApiResponse> create(ApiCall call) {
        JsonNode body = call.body();
        String name = name(body).orElseThrow(() -> ApiException.badRequest(NAME_BLANK));
        String content = content(body).orElseThrow(() -> ApiException.badRequest("Content cannot be blank"));
        var block = new ContentBlockRow(Ids.deliveryId(clock).toString(), call.principal().workspaceId(), name,
                description(body), content, state(body).orElse("active"), Tags.of(body).orElse(List.of()),
                call.receivedAt(), call.receivedAt());
        return store.writeIngress(tx -> {
            checkIncludes(tx, block);
            if (!tx.contentBlocks().insert(block)) {
                throw ApiException.badRequest(NAME_TAKEN);
            }
            return Idempotency.remember(tx, call, ApiResponse.json(201, written(block)), Optional.empty());
        });
    }

    private CompletionStage<ApiResponse> update(ApiCall call) {
        JsonNode body = call.body();
        String id = Lenient.string(body, "content_block_id", "content_block_id").filter(s -> !s.isBlank())
                .orElseThrow(() -> ApiException.badRequest("Content Block ID cannot be blank"));
        Optional<String> name = name(body);
        Optional<String> description = description(body);
        Optional<String> content = content(body);
        Optional<String> state = state(body);
        Optional<List<String>> tags = Tags.of(body);
        String workspace = call.principal().workspaceId();
        return store.writeIngress(tx -> {
            ContentBlockRow old = tx.contentBlocks().find(workspace, id)
                    .orElseThrow(() -> ApiException.badRequest(INVALID_ID));
            boolean active = old.state().equals("active");
            if (name.isPresent() && !name.get().equals(old.name())) {
                // Messages include a block by name: renaming a live one would break them.
                if (active) {
                    throw ApiException.badRequest("Content Block name cannot be updated for active Content Blocks");
                }
                if (tx.contentBlocks().findByName(workspace, name.get()).isPresent()) {
                    throw ApiException.badRequest(NAME_TAKEN);
                }
            }
            if (active && state.filter(s -> s.equals("draft")).isPresent()) {
                throw ApiException.badRequest("Active Content Block can not be updated to Draft. Create a new Content "
                        + "Block.");
            }
            var updated = new ContentBlockRow(id, workspace, name.orElse(old.name()), description.or(old::description),
                    content.orElse(old.content()), state.orElse(old.state()), tags.orElse(old.tags()), old.createdAt(),
                    call.receivedAt());
            checkIncludes(tx, updated);
            tx.contentBlocks().update(updated);
            return Idempotency.remember(tx, call, ApiResponse.json(201, written(updated)), Optional.empty());
        });
    }

    /** The answer to a create or update, as Braze documents both. */
    private static ObjectNode written(ContentBlockRow b) {
        ObjectNode out = Json.object();
        out.put("content_block_id", b.id());
        out.put("liquid_tag", liquidTag(b.name()));
        out.put("created_at", b.createdAt().toString());
        out.put("message", "success");
        return out;
    }

    private CompletionStage<ApiResponse> list(ApiCall call) {
        var window = ListWindows.of(call.request(), "Content Block");
        return store.read(tx -> tx.contentBlocks().list(call.principal().workspaceId(), window)).thenApply(rows -> {
            ObjectNode out = Json.object();
            out.put("count", rows.size());
            var list = out.putArray("content_blocks");
            for (ContentBlockRow b : rows) {
                ObjectNode n = list.addObject();
                n.put("content_block_id", b.id());
                n.put("name", b.name());
                n.put("content_type", contentType(b.content()));
                n.put("liquid_tag", liquidTag(b.name()));
                n.put("created_at", b.createdAt().toString());
                n.put("last_edited", b.updatedAt().toString());
                Tags.put(n, b.tags());
            }
            out.put("message", "success");
            return ApiResponse.json(200, out);
        });
    }

    private CompletionStage<ApiResponse> info(ApiCall call) {
        String id = call.request().queryParam("content_block_id").filter(s -> !s.isBlank())
                .orElseThrow(() -> ApiException.badRequest("Content Block ID cannot be blank"));
        call.request().queryParam("include_inclusion_data").filter(v -> !v.equals("true") && !v.equals("false"))
                .ifPresent(v -> {
                    throw ApiException.badRequest("Include Inclusion Data—error: true or false expected, was " + v);
                });
        return store.read(tx -> tx.contentBlocks().find(call.principal().workspaceId(), id)).thenApply(found -> {
            ContentBlockRow b = found.orElseThrow(() -> ApiException.badRequest(INVALID_ID));
            ObjectNode out = Json.object();
            out.put("content_block_id", b.id());
            out.put("name", b.name());
            out.put("content", b.content());
            b.description().ifPresent(d -> out.put("description", d));
            out.put("content_type", contentType(b.content()));
            out.put("state", b.state());
            Tags.put(out, b.tags());
            out.put("created_at", b.createdAt().toString());
            out.put("last_edited", b.updatedAt().toString());
            out.put("message", "success");
            return ApiResponse.json(200, out);
        });
    }

    /**
     * Every block {@code b} includes exists, and expanding it (with {@code b} as it is about to be written) meets no
     * cycle, no nesting deeper than Braze's and nothing too large to render.
     */
    private static void checkIncludes(StoreTx tx, ContentBlockRow b) throws SQLException {
        try {
            ContentBlockIncludes.expand("{{content_blocks.${" + b.name() + "}}}", name -> name.equals(b.name())
                    ? Optional.of(b.content())
                    : tx.contentBlocks().findByName(b.workspace(), name).map(ContentBlockRow::content), MAX_EXPANDED);
        } catch (ContentBlockIncludes.Refused e) {
            String message = e.getMessage().startsWith("Content Block cannot be referenced within itself")
                    ? "Content Block cannot be referenced within itself" : e.getMessage();
            throw new ApiException(400, message, List.of(e.getMessage()));
        }
    }

    /** The tag that includes a block, as Braze's API returns it. */
    static String liquidTag(String name) {
        return "{{content_blocks.${" + name + "}}}";
    }

    /** Braze reports {@code html} or {@code text}; Herald tells them apart by the presence of a tag. */
    private static String contentType(String content) {
        return HTML.matcher(content).find() ? "html" : "text";
    }

    private static Optional<String> name(JsonNode body) {
        JsonNode v = body.get("name");
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isTextual() || v.textValue().isBlank()) {
            throw ApiException.badRequest(NAME_BLANK);
        }
        String name = v.textValue();
        if (name.length() >= MAX_NAME) {
            throw ApiException.badRequest("Content Block name must be shorter than " + MAX_NAME + " characters");
        }
        if (!NAME.matcher(name).matches()) {
            throw ApiException.badRequest("Content Block name can only contain alphanumeric characters");
        }
        return Optional.of(name);
    }

    private static Optional<String> description(JsonNode body) {
        JsonNode v = body.get("description");
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isTextual()) {
            throw ApiException.badRequest("Content Block description must be a string");
        }
        if (v.textValue().isBlank()) {
            throw ApiException.badRequest("Content Block description cannot be blank");
        }
        if (v.textValue().length() >= MAX_DESCRIPTION) {
            throw ApiException.badRequest("Content Block description must be shorter than " + MAX_DESCRIPTION
                    + " characters");
        }
        return Optional.of(v.textValue());
    }

    private static Optional<String> content(JsonNode body) {
        JsonNode v = body.get("content");
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isTextual()) {
            throw ApiException.badRequest("Content must be a string");
        }
        String content = v.textValue();
        if (content.isBlank()) {
            throw ApiException.badRequest("Content cannot be blank");
        }
        if (content.getBytes(StandardCharsets.UTF_8).length >= MAX_CONTENT_BYTES) {
            throw ApiException.badRequest("Content must be smaller than 50kb");
        }
        TemplateEngine.syntaxError(content).ifPresent(error -> {
            throw new ApiException(400, "Content contains malformed liquid", List.of(error));
        });
        return Optional.of(content);
    }

    private static Optional<String> state(JsonNode body) {
        JsonNode v = body.get("state");
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isTextual() || !(v.textValue().equals("active") || v.textValue().equals("draft"))) {
            throw ApiException.badRequest("Content Block state must be either active or draft");
        }
        return Optional.of(v.textValue());
    }
}
