package dev.herald.config;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A tenant: its API keys, limits, apps and channel settings.
 *
 * @param id      the workspace id, unique in the file; appears in status URLs and callbacks
 * @param sandbox when true nothing is sent to a provider: outcomes are simulated from the address
 * @param apiKeys the keys that authenticate as this workspace
 * @param limits  ingress rate limits
 * @param apps    push apps (any number, each with its own credentials)
 * @param email   the SMTP relay, if the workspace sends email
 * @param sms     the Twilio account and subscription groups, if the workspace sends SMS
 * @param campaigns API-triggered and transactional campaigns
 * @param canvases  Canvases
 * @param events    where delivery events (postbacks) go
 */
public record WorkspaceConfig(String id, boolean sandbox, List<ApiKeyConfig> apiKeys, LimitsConfig limits,
                              List<AppConfig> apps, Optional<EmailConfig> email, Optional<SmsConfig> sms,
                              List<CampaignConfig> campaigns, List<CampaignConfig> canvases, EventsConfig events) {
    public WorkspaceConfig {
        Objects.requireNonNull(id, "id");
        apiKeys = List.copyOf(apiKeys);
        Objects.requireNonNull(limits, "limits");
        apps = List.copyOf(apps);
        Objects.requireNonNull(email, "email");
        Objects.requireNonNull(sms, "sms");
        campaigns = List.copyOf(campaigns);
        canvases = List.copyOf(canvases);
        Objects.requireNonNull(events, "events");
    }

    /** A workspace with default limits and no channels beyond webhooks. */
    public static WorkspaceConfig of(String id, boolean sandbox, List<ApiKeyConfig> apiKeys) {
        return new WorkspaceConfig(id, sandbox, apiKeys, LimitsConfig.defaults(), List.of(), Optional.empty(),
                Optional.empty(), List.of(), List.of(), EventsConfig.none());
    }

    /** The campaign with this id. */
    public Optional<CampaignConfig> campaign(String campaignId) {
        return campaigns.stream().filter(c -> c.id().equals(campaignId)).findFirst();
    }

    /** The Canvas with this id. */
    public Optional<CampaignConfig> canvas(String canvasId) {
        return canvases.stream().filter(c -> c.id().equals(canvasId)).findFirst();
    }

    /** The app with this {@code app_id}. */
    public Optional<AppConfig> app(String appId) {
        return apps.stream().filter(a -> a.appId().equals(appId)).findFirst();
    }
}
