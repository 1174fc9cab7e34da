package dev.herald.gateway.binding;

import dev.herald.gateway.template.Rendered;
import dev.herald.gateway.template.TemplateEngine;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Renders the template fields of one message for one recipient. The variables are built on the first field that
 * is a template, so a message without Liquid (most transactional pushes) costs no personalisation and no profile
 * read. Not thread-safe: one per attempt.
 */
public final class Fields {
    private final @Nullable TemplateEngine templates;
    private final Supplier<Map<String, Object>> source;
    private @Nullable Map<String, Object> variables;

    /** Fields rendered by {@code templates} with the variables {@code source} builds when first needed. */
    public Fields(TemplateEngine templates, Supplier<Map<String, Object>> source) {
        this.templates = templates;
        this.source = source;
    }

    /**
     * Fields for a message built on the calling thread, in case it has no Liquid at all: text without Liquid is
     * just the string, and needs no render thread. The first field that is a template throws
     * {@link HasTemplates}; the caller then builds the message with rendering {@code Fields} on the render threads.
     */
    public static Fields withoutTemplates() {
        return new Fields();
    }

    private Fields() {
        this.templates = null;
        this.source = Map::of;
    }

    /**
     * One field, rendered.
     *
     * @param field how to name the field in a failure ("webhook body")
     * @throws Stop when the template aborts ({@code abort_message}) or fails
     */
    public String render(String template, String field) throws Stop {
        if (!TemplateEngine.isTemplate(template)) {
            return template;
        }
        if (templates == null) {
            throw HasTemplates.INSTANCE;
        }
        if (variables == null) {
            variables = source.get();
        }
        return switch (templates.render(template, variables)) {
            case Rendered.Text t -> t.value();
            case Rendered.Aborted a -> throw new Stop(true, a.reason());
            case Rendered.Failed f -> throw new Stop(false, field + ": " + f.reason());
        };
    }

    /** An optional field, rendered when present. */
    public Optional<String> render(Optional<String> template, String field) throws Stop {
        return template.isEmpty() ? Optional.empty() : Optional.of(render(template.get(), field));
    }

    /** Thrown by {@link #withoutTemplates()} fields at the first template: the message needs rendering. */
    public static final class HasTemplates extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private static final HasTemplates INSTANCE = new HasTemplates();

        private HasTemplates() {
            super("the message has Liquid to render", null, false, false);
        }
    }

    /** Stops building a message: the template aborted (the delivery is {@code aborted}) or failed ({@code failed}). */
    public static final class Stop extends Exception {
        private static final long serialVersionUID = 1L;
        private final boolean abort;

        /** A stop with its reason. */
        public Stop(boolean abort, String reason) {
            super(reason, null, false, false);
            this.abort = abort;
        }

        /** Whether the template asked to abort (rather than failed). */
        public boolean abort() {
            return abort;
        }
    }
}
