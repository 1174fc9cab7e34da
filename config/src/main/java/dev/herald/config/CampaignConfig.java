package dev.herald.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An API-triggered campaign or a Canvas defined in the configuration: its state and the message templates it
 * sends (the same messaging objects as {@code /messages/send}, with Liquid). The gateway validates the
 * messaging objects when the file is loaded.
 *
 * @param id            the {@code campaign_id} / {@code canvas_id} callers use
 * @param transactional whether it is sent through {@code /transactional/v1/campaigns/{id}/send}
 * @param paused        paused: trigger requests are refused (campaigns) or take no effect (Canvases)
 * @param archived      archived: likewise
 * @param maxAge        how long its deliveries may be retried; the delivery default otherwise
 * @param messages      messaging object name ({@code email}, {@code webhook}, ...) → object
 * @param name          the name {@code /campaigns/list} and {@code /canvas/list} show, if configured
 * @param description   the description their details show, if configured
 * @param tags          the tags they show
 */
public record CampaignConfig(String id, boolean transactional, boolean paused, boolean archived,
                             Optional<Duration> maxAge, Map<String, JsonNode> messages, Optional<String> name,
                             Optional<String> description, List<String> tags) {
    public CampaignConfig {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(maxAge, "maxAge");
        messages = Map.copyOf(messages);
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        tags = List.copyOf(tags);
    }

    /** A campaign or Canvas without a name, description or tags. */
    public CampaignConfig(String id, boolean transactional, boolean paused, boolean archived,
                          Optional<Duration> maxAge, Map<String, JsonNode> messages) {
        this(id, transactional, paused, archived, maxAge, messages, Optional.empty(), Optional.empty(), List.of());
    }
}
