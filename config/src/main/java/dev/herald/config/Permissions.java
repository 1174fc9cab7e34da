package dev.herald.config;

import java.util.Set;

/**
 * The permission names an API key may carry: Braze's own names (braze-api.md §1.2), so a key set up for
 * Braze reads the same here, plus Herald's {@code herald.*} administrative ones.
 */
public final class Permissions {
    /** Permission for {@code POST /messages/send}. */
    public static final String MESSAGES_SEND = "messages.send";
    /** Herald's administrative calls (config reload). */
    public static final String HERALD_ADMIN = "herald.admin";

    /** Every name accepted in {@code api_keys[].permissions}. */
    public static final Set<String> KNOWN = Set.of(
            "users.track", "users.delete", "users.alias.new", "users.identify", "users.export.ids",
            "users.export.segment", "users.merge", "users.external_ids.rename", "users.external_ids.remove",
            "users.alias.update", "users.export.global_control_group",
            MESSAGES_SEND, "messages.schedule.create", "messages.schedule.update", "messages.schedule.delete",
            "messages.schedule_broadcasts", "messages.live_activity.update",
            "campaigns.trigger.send", "campaigns.trigger.schedule.create", "campaigns.trigger.schedule.update",
            "campaigns.trigger.schedule.delete", "campaigns.list", "campaigns.data_series", "campaigns.details",
            "sends.data_series", "sends.id.create", "transactional.send",
            "canvas.trigger.send", "canvas.trigger.schedule.create", "canvas.trigger.schedule.update",
            "canvas.trigger.schedule.delete", "canvas.list", "canvas.data_series", "canvas.details",
            "canvas.data_summary",
            "email.unsubscribe", "email.status", "email.hard_bounces", "email.bounce.remove", "email.spam.remove",
            "email.blacklist",
            "subscription.status.set", "subscription.status.get", "subscription.groups.get",
            "sms.invalid_phone_numbers", "sms.invalid_phone_numbers.remove",
            "templates.email.create", "templates.email.update", "templates.email.list", "templates.email.info",
            "content_blocks.create", "content_blocks.update", "content_blocks.list", "content_blocks.info",
            HERALD_ADMIN);

    private Permissions() {
    }
}
