package dev.herald.gateway.store;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An email template of a workspace, as Braze's template API shapes it. The text fields are kept as given (Liquid
 * and Content Block references included): a send that uses the template copies them into its own spec.
 *
 * @param id              the {@code email_template_id} (a UUID)
 * @param name            the {@code template_name}, unique in the workspace
 * @param shouldInlineCss absent when the caller never said
 * @param tags            as given (Herald keeps no tag registry)
 */
public record EmailTemplateRow(String id, String workspace, String name, String subject, String body,
                               Optional<String> plaintextBody, Optional<String> preheader,
                               Optional<Boolean> shouldInlineCss, List<String> tags, Instant createdAt,
                               Instant updatedAt) {
    public EmailTemplateRow {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(workspace, "workspace");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(plaintextBody, "plaintextBody");
        Objects.requireNonNull(preheader, "preheader");
        Objects.requireNonNull(shouldInlineCss, "shouldInlineCss");
        tags = List.copyOf(tags);
    }
}
