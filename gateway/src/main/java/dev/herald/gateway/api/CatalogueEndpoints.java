package dev.herald.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.config.CampaignConfig;
import dev.herald.config.WorkspaceConfig;
import dev.herald.gateway.http.Access;
import dev.herald.gateway.http.ApiCall;
import dev.herald.gateway.http.ApiException;
import dev.herald.gateway.http.ApiRequest;
import dev.herald.gateway.http.ApiResponse;
import dev.herald.gateway.http.Endpoint;
import dev.herald.gateway.json.Json;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The catalogue of Braze's export API, read from the configuration in force (campaigns and Canvases are
 * configured, {@code workspaces[].campaigns} and {@code canvases}): {@code GET /campaigns/list},
 * {@code /campaigns/details}, {@code /canvas/list} and {@code /canvas/details}, with Braze's permission names.
 *
 * <p>What Herald cannot know is omitted, never invented: creation and edit times ({@code created_at},
 * {@code updated_at}, {@code last_edited}), first and last sends, teams, conversion behaviours, Canvas steps and
 * variants, and a name, description or tags the configuration does not give. Configured entries are listed in the
 * order they are configured, which stands for Braze's order of creation. Messages are keyed by their channel's
 * messaging-object name, since configured messages have no variation ids.
 */
public final class CatalogueEndpoints {
    private static final int PAGE_SIZE = 100;

    /** The endpoints. */
    public CatalogueEndpoints() {
    }

    /** Every route. */
    public List<Endpoint> endpoints() {
        return List.of(
                Endpoint.get("/campaigns/list", Access.permission("campaigns.list"), call -> list(call, false)),
                Endpoint.get("/campaigns/details", Access.permission("campaigns.details"),
                        call -> details(call, false)),
                Endpoint.get("/canvas/list", Access.permission("canvas.list"), call -> list(call, true)),
                Endpoint.get("/canvas/details", Access.permission("canvas.details"), call -> details(call, true)));
    }

    private static List<CampaignConfig> configured(WorkspaceConfig ws, boolean canvas) {
        return canvas ? ws.canvases() : ws.campaigns();
    }

    private CompletionStage<ApiResponse> list(ApiCall call, boolean canvas) {
        ApiRequest request = call.request();
        int page = request.queryParam("page").map(CatalogueEndpoints::page).orElse(0);
        boolean archived = request.queryParam("include_archived").map(v -> flag(v, "include_archived")).orElse(false);
        boolean newestFirst = request.queryParam("sort_direction").map(CatalogueEndpoints::descending).orElse(false);
        if (request.queryParam("last_edit.time[gt]").isPresent()) {
            // Filtering on a time Herald does not have would silently drop or keep everything: refused instead.
            throw ApiException.badRequest("last_edit.time[gt] is not supported by Herald: campaigns and Canvases "
                    + "come from its configuration, which records no edit times");
        }
        List<CampaignConfig> all = new ArrayList<>(configured(call.principal().workspace(), canvas).stream()
                .filter(c -> archived || !c.archived()).toList());
        if (newestFirst) {
            Collections.reverse(all);
        }
        ObjectNode out = Json.object();
        ArrayNode list = out.putArray(canvas ? "canvases" : "campaigns");
        all.stream().skip((long) page * PAGE_SIZE).limit(PAGE_SIZE).forEach(c -> {
            ObjectNode n = list.addObject();
            n.put("id", c.id());
            c.name().ifPresent(name -> n.put("name", name));
            if (!canvas) {
                n.put("is_api_campaign", true); // every configured campaign is triggered over the API
            }
            Tags.put(n, c.tags());
        });
        out.put("message", "success");
        return CompletableFuture.completedFuture(ApiResponse.json(200, out));
    }

    private CompletionStage<ApiResponse> details(ApiCall call, boolean canvas) {
        String field = canvas ? "canvas_id" : "campaign_id";
        String id = call.request().queryParam(field).filter(s -> !s.isBlank())
                .orElseThrow(() -> ApiException.badRequest(field + " is required"));
        call.request().queryParam("post_launch_draft_version").ifPresent(v -> flag(v, "post_launch_draft_version"));
        CampaignConfig c = configured(call.principal().workspace(), canvas).stream()
                .filter(x -> x.id().equals(id)).findFirst()
                .orElseThrow(() -> ApiException.badRequest(canvas ? "Invalid Canvas ID" : "Invalid Campaign ID"));
        ObjectNode out = Json.object();
        out.put("message", "success");
        c.name().ifPresent(name -> out.put("name", name));
        c.description().ifPresent(d -> out.put("description", d));
        out.put("archived", c.archived());
        out.put("draft", false); // configured campaigns are live: Herald has no drafts
        out.put("enabled", !c.paused() && !c.archived());
        out.put("has_post_launch_draft", false);
        ArrayNode channels = out.putArray("channels");
        c.messages().keySet().stream().sorted().forEach(object -> channels.add(channelName(object)));
        Tags.put(out, c.tags());
        if (!canvas) {
            ObjectNode messages = out.putObject("messages");
            c.messages().entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .forEach(m -> messages.set(m.getKey(), message(m.getKey(), m.getValue())));
        }
        return CompletableFuture.completedFuture(ApiResponse.json(200, out));
    }

    /** A configured messaging object in the shape of Braze's campaign details, with the fields it has. */
    static ObjectNode message(String object, JsonNode given) {
        ObjectNode n = Json.object();
        n.put("channel", channelName(object));
        switch (object) {
            case "email" -> {
                copy(given, "subject", n, "subject");
                copy(given, "body", n, "body");
                copy(given, "from", n, "from");
                copy(given, "reply_to", n, "reply_to");
                copy(given, "preheader", n, "preheader");
                copy(given, "plaintext_body", n, "custom_plain_text");
                copy(given, "should_inline_css", n, "should_inline_css");
                copy(given, "email_template_id", n, "email_template_id");
            }
            case "webhook" -> {
                copy(given, "url", n, "url");
                copy(given, "body", n, "body");
                copy(given, "request_headers", n, "headers");
                copy(given, "request_method", n, "method");
            }
            case "sms" -> {
                copy(given, "body", n, "body");
                copy(given, "subscription_group_id", n, "subscription_group_id");
            }
            case "apple_push", "android_push" -> {
                copy(given, "alert", n, "alert");
                copy(given, "title", n, "title");
                copy(given, "extra", n, "extras");
            }
            default -> {
                // a messaging object Herald does not deliver cannot be configured; nothing more to show
            }
        }
        return n;
    }

    private static void copy(JsonNode from, String field, ObjectNode to, String as) {
        JsonNode v = from.get(field);
        if (v != null && !v.isNull()) {
            to.set(as, v.deepCopy());
        }
    }

    /** Braze's channel names in the export API ({@code ios_push} for {@code apple_push}). */
    static String channelName(String messagingObject) {
        return messagingObject.equals("apple_push") ? "ios_push" : messagingObject;
    }

    private static int page(String raw) {
        try {
            int page = Integer.parseInt(raw.trim());
            if (page >= 0) {
                return page;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw ApiException.badRequest("page must be a whole number from 0, was " + raw);
    }

    private static boolean flag(String raw, String name) {
        return switch (raw.trim()) {
            case "true" -> true;
            case "false" -> false;
            default -> throw ApiException.badRequest(name + " must be true or false, was " + raw);
        };
    }

    private static boolean descending(String raw) {
        return switch (raw.trim()) {
            case "asc" -> false;
            case "desc" -> true;
            default -> throw ApiException.badRequest("sort_direction must be asc or desc, was " + raw);
        };
    }
}
