package dev.herald.gateway.live;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.config.CampaignConfig;
import dev.herald.config.ConfigException;
import dev.herald.config.HeraldConfig;
import dev.herald.config.WorkspaceConfig;
import dev.herald.gateway.braze.ContentReferences;
import dev.herald.gateway.braze.SendRequestParser;
import dev.herald.gateway.http.ApiException;
import dev.herald.gateway.json.Json;
import dev.herald.gateway.model.MessageSpec;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The campaigns and Canvases of every workspace with their messaging objects validated exactly as
 * {@code /messages/send} validates them, so a broken template is refused when the configuration is loaded,
 * never when a password reset is triggered.
 */
public final class Campaigns {
    /**
     * A campaign or Canvas with its validated messages.
     *
     * @param messages         what it sends, unless {@code resolvedWhenSent}
     * @param resolvedWhenSent whether its messages name an email template or include Content Blocks, which live in
     *                         the journal: then they are resolved from {@code raw} at each trigger (everything else
     *                         in them was checked at load)
     * @param raw              the messaging objects as configured
     */
    public record Compiled(CampaignConfig config, List<MessageSpec> messages, boolean resolvedWhenSent, JsonNode raw) {
        public Compiled {
            messages = List.copyOf(messages);
        }
    }

    private final Map<String, Compiled> campaigns;
    private final Map<String, Compiled> canvases;

    private Campaigns(Map<String, Compiled> campaigns, Map<String, Compiled> canvases) {
        this.campaigns = Map.copyOf(campaigns);
        this.canvases = Map.copyOf(canvases);
    }

    /**
     * Validates every campaign and Canvas of {@code config}.
     *
     * @throws ConfigException naming the workspace, campaign and messaging object of the first invalid one
     */
    public static Campaigns compile(HeraldConfig config) {
        Map<String, Compiled> campaigns = new HashMap<>();
        Map<String, Compiled> canvases = new HashMap<>();
        for (WorkspaceConfig ws : config.workspaces()) {
            for (CampaignConfig c : ws.campaigns()) {
                if (c.transactional() && (c.messages().size() != 1 || !c.messages().containsKey("email"))) {
                    throw new ConfigException("workspaces[" + ws.id() + "].campaigns[" + c.id() + "]: a transactional "
                            + "campaign sends exactly one email message");
                }
                campaigns.put(key(ws.id(), c.id()), compile(ws, c, "campaigns"));
            }
            for (CampaignConfig c : ws.canvases()) {
                canvases.put(key(ws.id(), c.id()), compile(ws, c, "canvases"));
            }
        }
        return new Campaigns(campaigns, canvases);
    }

    private static Compiled compile(WorkspaceConfig ws, CampaignConfig c, String kind) {
        var raw = Json.object();
        for (Map.Entry<String, JsonNode> m : c.messages().entrySet()) {
            raw.set(m.getKey(), Json.MAPPER.valueToTree(m.getValue()));
        }
        boolean fromJournal = ContentReferences.any(raw);
        try {
            return new Compiled(c, SendRequestParser.messages(ContentReferences.withoutTemplate(raw), Optional.of(ws)),
                    fromJournal, raw);
        } catch (ApiException e) {
            throw new ConfigException("workspaces[" + ws.id() + "]." + kind + "[" + c.id() + "]: " + e.getMessage()
                    + (e.errors().isEmpty() ? "" : " (" + String.join("; ", e.errors()) + ")"));
        }
    }

    /** A workspace's campaign. */
    public Optional<Compiled> campaign(String workspace, String id) {
        return Optional.ofNullable(campaigns.get(key(workspace, id)));
    }

    /** A workspace's Canvas. */
    public Optional<Compiled> canvas(String workspace, String id) {
        return Optional.ofNullable(canvases.get(key(workspace, id)));
    }

    private static String key(String workspace, String id) {
        return workspace + "\u0000" + id;
    }
}
