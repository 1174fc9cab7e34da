package dev.herald.gateway.template;

import java.util.Optional;
import java.util.regex.Pattern;
import liqp.TemplateContext;
import liqp.nodes.LNode;
import liqp.tags.Tag;

/**
 * Replaces Liqp's {@code include} and {@code include_relative}, which read files from Herald's own disk: a
 * request's template must never send the server's files to a webhook or inbox. Braze has no such tags (it shares
 * text through content blocks), so a template that uses them is refused at ingress and, should one reach a render
 * (a journal row written before this check), fails there.
 */
final class NoFileInclude extends Tag {
    private static final Pattern USE = Pattern.compile("\\{%-?\\s*include(_relative)?\\b");
    static final String REFUSED = "include reads files from the server's disk and is not supported "
            + "(Braze has no include; share text with content blocks)";

    private NoFileInclude(String name) {
        super(name);
    }

    /** Both tags, to register over Liqp's. */
    static Tag[] tags() {
        return new Tag[] {new NoFileInclude("include"), new NoFileInclude("include_relative")};
    }

    /** Why {@code liquid} cannot be accepted, if it uses either tag. */
    static Optional<String> used(String liquid) {
        return USE.matcher(liquid).find() ? Optional.of(REFUSED) : Optional.empty();
    }

    @Override
    public Object render(TemplateContext context, LNode... nodes) {
        throw new LimitExceeded(REFUSED);
    }
}
