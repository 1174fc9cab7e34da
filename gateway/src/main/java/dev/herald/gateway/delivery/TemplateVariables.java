package dev.herald.gateway.delivery;

import dev.herald.gateway.model.DispatchSpec;
import dev.herald.gateway.model.RecipientSpec;
import dev.herald.gateway.store.DeliveryRow;
import dev.herald.gateway.store.UserRow;
import dev.herald.gateway.template.Personalisation;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What one delivery's templates see (braze-api.md §7): the recipient's profile as it is now, {@code campaign}
 * ({@code dispatch_id}, {@code api_id}, {@code send_id}), {@code api_trigger_properties} and the Canvas entry
 * properties under both their names ({@code context} and the legacy {@code canvas_entry_properties}), the
 * request's overridden by the recipient's own.
 */
final class TemplateVariables {
    private TemplateVariables() {
    }

    static Map<String, Object> of(DeliveryRow d, DispatchSpec spec, Optional<UserRow> user) {
        Map<String, Object> campaign = new LinkedHashMap<>();
        campaign.put("dispatch_id", d.dispatchId());
        campaign.put("api_id", spec.campaignId().orElse(""));
        campaign.put("send_id", spec.sendId().orElse(""));
        campaign.put("name", spec.campaignId().orElse(""));
        RecipientSpec.Properties p = spec.propertiesFor(d.recipient());
        Map<String, Object> properties = new HashMap<>();
        properties.put("api_trigger_properties", p.trigger());
        properties.put("canvas_entry_properties", p.entry());
        properties.put("context", p.entry());
        spec.canvasId().ifPresent(id -> properties.put("canvas", Map.of("api_id", id, "name", id)));
        return Personalisation.variables(user, Map.of(), campaign, properties);
    }
}
