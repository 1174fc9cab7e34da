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
 */
public record WorkspaceConfig(String id, boolean sandbox, List<ApiKeyConfig> apiKeys, LimitsConfig limits,
                              List<AppConfig> apps, Optional<EmailConfig> email, Optional<SmsConfig> sms) {
    public WorkspaceConfig {
        Objects.requireNonNull(id, "id");
        apiKeys = List.copyOf(apiKeys);
        Objects.requireNonNull(limits, "limits");
        apps = List.copyOf(apps);
        Objects.requireNonNull(email, "email");
        Objects.requireNonNull(sms, "sms");
    }

    /** A workspace with default limits and no channels beyond webhooks. */
    public static WorkspaceConfig of(String id, boolean sandbox, List<ApiKeyConfig> apiKeys) {
        return new WorkspaceConfig(id, sandbox, apiKeys, LimitsConfig.defaults(), List.of(), Optional.empty(),
                Optional.empty());
    }

    /** The app with this {@code app_id}. */
    public Optional<AppConfig> app(String appId) {
        return apps.stream().filter(a -> a.appId().equals(appId)).findFirst();
    }
}
