package dev.herald.gateway.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Braze's Content Block includes expanded into plain Liquid, with cycles, depth and size bounded. */
final class ContentBlockIncludesTest {
    private static final int MAX = 10_000;

    private static String expand(String text, Map<String, String> blocks) {
        return ContentBlockIncludes.expand(text, name -> Optional.ofNullable(blocks.get(name)), MAX);
    }

    @Test
    void replacesEachIncludeWithItsBlockAndItsBlocksIncludes() {
        var blocks = Map.of("footer", "Footer for {{${first_name}}} {{content_blocks.${legal}}}", "legal", "(c) Acme");
        assertEquals("<p>Body Footer for {{${first_name}}} (c) Acme</p>",
                expand("<p>Body {{content_blocks.${footer}}}</p>", blocks));
    }

    @Test
    void acceptsSpacesAndBrazesTrackingFilterAndLeavesOtherLiquidAlone() {
        var blocks = Map.of("cta", "Buy");
        assertEquals("Buy and Buy, {{ custom_attribute.${x} }}",
                expand("{{ content_blocks.${ cta } }} and {{content_blocks.${cta} | id: 'cb1'}}, "
                        + "{{ custom_attribute.${x} }}", blocks));
        assertFalse(ContentBlockIncludes.includesAny("{{${first_name}}}"));
        assertEquals(Set.of("a", "b"), ContentBlockIncludes.names("{{content_blocks.${a}}}{{content_blocks.${b}}}"));
    }

    @Test
    void refusesAnUnknownBlockNamingTheChainThatIncludedIt() {
        var e = assertThrows(ContentBlockIncludes.Refused.class,
                () -> expand("{{content_blocks.${a}}}", Map.of("a", "{{content_blocks.${missing}}}")));
        assertEquals("Content Block not found: missing (included by a)", e.getMessage());
    }

    @Test
    void refusesABlockThatIncludesItselfDirectlyOrThroughOthers() {
        var direct = assertThrows(ContentBlockIncludes.Refused.class,
                () -> expand("{{content_blocks.${a}}}", Map.of("a", "x {{content_blocks.${a}}}")));
        assertTrue(direct.getMessage().startsWith("Content Block cannot be referenced within itself: a → a"),
                direct.getMessage());
        var indirect = assertThrows(ContentBlockIncludes.Refused.class, () -> expand("{{content_blocks.${a}}}",
                Map.of("a", "{{content_blocks.${b}}}", "b", "{{content_blocks.${c}}}", "c", "{{content_blocks.${a}}}")));
        assertTrue(indirect.getMessage().endsWith("a → b → c → a"), indirect.getMessage());
    }

    @Test
    void nestingIsBoundedAtTenLevels() {
        Map<String, String> chain = new HashMap<>();
        for (int i = 0; i < 10; i++) {
            chain.put("b" + i, "{{content_blocks.${b" + (i + 1) + "}}}");
        }
        chain.put("b10", "end");
        assertEquals("end", expand("{{content_blocks.${b1}}}", chain), "ten levels are fine");
        var e = assertThrows(ContentBlockIncludes.Refused.class, () -> expand("{{content_blocks.${b0}}}", chain));
        assertTrue(e.getMessage().startsWith("Content Blocks are nested more than 10 deep"), e.getMessage());
    }

    @Test
    void anExpansionThatGrowsPastTheLimitIsRefusedBeforeItIsBuilt() {
        String hundred = String.join("", java.util.Collections.nCopies(100, "{{content_blocks.${x}}}"));
        var blocks = Map.of("top", hundred, "x", hundred.replace("${x}", "${y}"), "y", "0123456789");
        var e = assertThrows(ContentBlockIncludes.Refused.class, () -> expand("{{content_blocks.${top}}}", blocks));
        assertTrue(e.getMessage().contains("more than " + MAX), e.getMessage());
    }
}
