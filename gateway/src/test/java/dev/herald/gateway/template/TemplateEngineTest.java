package dev.herald.gateway.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.gateway.store.UserRow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

final class TemplateEngineTest {
    private final TemplateEngine engine = new TemplateEngine(new TemplateEngine.Limits(1_000, 10_000, 64 * 1024,
            Duration.ofMillis(500)), 2);

    @AfterEach
    void close() {
        engine.close();
    }

    private static UserRow ana() {
        return new UserRow(1, "acme", "0123456789abcdef01234567", Optional.of("ana-1"), Optional.of("ana@example.test"),
                Optional.empty(), Optional.of("+15551234567"), Optional.empty(), Optional.of("opted_in"),
                Optional.empty(), Optional.of("Europe/Lisbon"),
                "{\"first_name\":\"Ana\",\"home_city\":\"Porto\",\"dob\":\"1990-02-01\"}",
                "{\"loyalty_tier\":\"gold\",\"points\":42,\"loyalty tier\":\"spaced\",\"tags\":[\"a\",\"b\"],"
                        + "\"address\":{\"city\":\"Lisbon\"}}", Instant.EPOCH, Instant.EPOCH);
    }

    private static Map<String, Object> vars(Optional<UserRow> user) {
        return Personalisation.variables(user, Map.of("sg-1", "subscribed"),
                Map.of("dispatch_id", "d-17", "api_id", "welcome"),
                Map.of("api_trigger_properties", Map.of("code", "771", "order_id", "A-17"),
                        "canvas_entry_properties", Map.of("who", "world"), "context", Map.of("who", "ctx")));
    }

    private String text(String template, Optional<UserRow> user) {
        return assertInstanceOf(Rendered.Text.class, engine.render(template, vars(user))).value();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiterString = " => ", quoteCharacter = '"', textBlock = """
            {{${first_name} | default: 'there'}} => Ana
            Hi {{${first_name}}}, {{${email_address}}} {{${user_id}}} => Hi Ana, ana@example.test ana-1
            {{${city}}} {{${date_of_birth}}} {{${time_zone}}} => Porto 1990-02-01 Europe/Lisbon
            {{custom_attribute.${loyalty_tier}}} => gold
            {{custom_attribute.${loyalty tier}}} => spaced
            {{custom_attribute.${address}.city}} => Lisbon
            {{custom_attribute.${missing} | default: 'none'}} => none
            {{custom_attribute.${points} | plus: 8}} => 50
            {% if custom_attribute.${loyalty_tier} == 'gold' %}VIP{% else %}std{% endif %} => VIP
            {% for t in custom_attribute.${tags} %}[{{t}}]{% endfor %} => [a][b]
            {{campaign.${dispatch_id}}} {{campaign.${api_id}}} => d-17 welcome
            Code {{api_trigger_properties.${code}}} => Code 771
            {{canvas_entry_properties.${who}}} {{context.${who}}} => world ctx
            {{subscribed_state.${email_global}}} {{subscribed_state.${sg-1}}} => opted_in subscribed
            {{${first_name} | upcase}} => ANA
            no liquid at all, even with ${dollars} => no liquid at all, even with ${dollars}
            """)
    void rendersBrazeSyntax(String template, String expected) {
        assertEquals(expected, text(template, Optional.of(ana())));
    }

    @Test
    void anUnknownUserSeesAnEmptyProfileAndTheDefaults() {
        assertEquals("Hi there, none", text("Hi {{${first_name} | default: 'there'}}, "
                + "{{custom_attribute.${loyalty_tier} | default: 'none'}}", Optional.empty()));
    }

    @Test
    void abortMessageAbortsWithItsReason() {
        var aborted = assertInstanceOf(Rendered.Aborted.class, engine.render(
                "{% if ${email_address} == blank %}{% abort_message(\"no email\") %}{% endif %}x", vars(Optional.empty())));
        assertEquals("no email", aborted.reason());
        assertInstanceOf(Rendered.Text.class, engine.render(
                "{% if ${email_address} == blank %}{% abort_message(\"no email\") %}{% endif %}x", vars(Optional.of(ana()))));
    }

    @Test
    void aRunawayLoopFailsItsDeliveryNotTheGateway() {
        var failed = assertInstanceOf(Rendered.Failed.class, engine.render(
                "{% for i in (1..100000) %}{% for j in (1..100000) %}x{% endfor %}{% endfor %}", vars(Optional.empty())));
        assertTrue(failed.reason().contains("loop iterations") || failed.reason().contains("render"), failed.reason());
        assertInstanceOf(Rendered.Failed.class, engine.render("{% for i in (1..900) %}0123456789abcdef{% endfor %}",
                vars(Optional.empty())), "output larger than the bound fails");
    }

    @Test
    void aDoublingStringFailsAtTheOutputBoundBeforeItIsBuilt() {
        var failed = assertInstanceOf(Rendered.Failed.class, engine.render("{% assign s='xxxxxxxxxx' %}"
                + "{% for i in (1..40) %}{% assign s = s | append: s %}{% endfor %}{{s}}", vars(Optional.empty())));
        assertTrue(failed.reason().contains("template output exceeds 10000 characters"), failed.reason());
        for (String grow : new String[] {"prepend: s", "replace: 'x', s", "replace_first: 'x', s"}) {
            var f = assertInstanceOf(Rendered.Failed.class, engine.render("{% assign s='xxxxxxxxxx' %}"
                    + "{% for i in (1..40) %}{% assign s = s | " + grow + " %}{% endfor %}{{s}}", vars(Optional.empty())));
            assertTrue(f.reason().contains("template output exceeds 10000 characters"), grow + ": " + f.reason());
        }
        var arrays = assertInstanceOf(Rendered.Failed.class, engine.render("{% assign a = 'x,y' | split: ',' %}"
                + "{% for i in (1..40) %}{% assign a = a | concat: a %}{% endfor %}{{a | size}}", vars(Optional.empty())));
        assertTrue(arrays.reason().contains("exceeds 10000"), arrays.reason());
    }

    @Test
    void aRangeBeyondTheLoopLimitIsRejectedAtIngressAndFailsItsRender() {
        String huge = "{% for i in (1..9223372036854775807) %}{{i}}{% endfor %}";
        assertTrue(TemplateEngine.syntaxError(huge).orElse("").contains("10000"), TemplateEngine.syntaxError(huge)
                .toString());
        assertTrue(TemplateEngine.syntaxError("{% for i in (1..10001) %}{{i}}{% endfor %}").isPresent());
        assertEquals(Optional.empty(), TemplateEngine.syntaxError("{% for i in (1..10000) %}{{i}}{% endfor %}"));
        assertInstanceOf(Rendered.Failed.class, engine.render(huge, vars(Optional.empty())));
        for (String n : new String[] {"9223372036854775807", "4294967297", "-9223372036854775807"}) {
            var failed = assertInstanceOf(Rendered.Failed.class, engine.render(
                    "{% for i in (1..custom_attribute.n) %}{{i}}{% endfor %}",
                    Map.of("custom_attribute", Map.of("n", Long.parseLong(n)))), n);
            assertTrue(failed.reason().contains(n), failed.reason());
        }
        assertEquals("12345", text("{% for i in (1..5) %}{{i}}{% endfor %}", Optional.empty()));
    }

    @Test
    void deepNestingIsASyntaxErrorAndAFailedRenderNotAStackOverflow() {
        String deep = "{% if true %}".repeat(1_500) + "x" + "{% endif %}".repeat(1_500);
        assertEquals(Optional.of("Liquid nesting deeper than 100 levels"), TemplateEngine.syntaxError(deep));
        var failed = assertInstanceOf(Rendered.Failed.class, engine.render(deep, vars(Optional.empty())));
        assertTrue(failed.reason().contains("nesting deeper than 100 levels"), failed.reason());
        String fine = "{% if true %}".repeat(100) + "x" + "{% endif %}".repeat(100);
        assertEquals(Optional.empty(), TemplateEngine.syntaxError(fine));
        assertEquals("x", text(fine, Optional.empty()));
    }

    @Test
    void aBrokenTemplateFailsWithTheParserMessage() {
        var failed = assertInstanceOf(Rendered.Failed.class, engine.render("Hi {{ first_name", vars(Optional.empty())));
        assertTrue(failed.reason().startsWith("template does not parse"), failed.reason());
    }

    @Test
    void aSlowRenderIsCutOffByTheTimeLimit() {
        var never = new java.util.concurrent.CountDownLatch(1);
        var future = engine.run("acme", () -> {
            try {
                never.await(); // a render that does not end by itself: the time limit interrupts it
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "late";
        });
        var e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> future.get(5, TimeUnit.SECONDS));
        assertInstanceOf(TimeoutException.class, e.getCause());
    }

    @Test
    void aRenderPastItsTimeStopsOnItsOwnThread() {
        var clock = new AtomicLong();
        // Every reading of the clock is 100 ms later: a render checking it 6 times has overrun its 500 ms.
        try (var stepped = new TemplateEngine(new TemplateEngine.Limits(1_000, 10_000, 64 * 1024,
                Duration.ofMillis(500)), 2, () -> clock.addAndGet(Duration.ofMillis(100).toNanos()))) {
            var failed = assertInstanceOf(Rendered.Failed.class, stepped.render(
                    "{% for i in (1..100) %}{{i}}{% endfor %}", vars(Optional.empty())));
            assertEquals("rendering took longer than 500 ms", failed.reason());
            assertEquals(new Rendered.Text("ok"), stepped.render("{{ 'ok' }}", vars(Optional.empty())));
        }
    }

    @Test
    void timeSpentWaitingForARenderThreadDoesNotCount() throws Exception {
        var clock = new AtomicLong();
        try (var stepped = new TemplateEngine(new TemplateEngine.Limits(1_000, 10_000, 64 * 1024,
                Duration.ofMillis(500)), 2, clock::get)) {
            var release = new CountDownLatch(1);
            var first = stepped.run("a", () -> awaited(release, "first"));
            var queued = stepped.run("a", () -> stepped.render("{% for i in (1..3) %}{{i}}{% endfor %}", Map.of()));
            clock.addAndGet(Duration.ofSeconds(10).toNanos()); // the second job waits far longer than the limit
            release.countDown();
            assertEquals("first", first.get(5, TimeUnit.SECONDS));
            assertEquals(new Rendered.Text("123"), queued.get(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void oneWorkspaceCannotHoldEveryRenderThread() throws Exception {
        var release = new CountDownLatch(1);
        List<CompletableFuture<String>> busy = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            busy.add(engine.run("a", () -> awaited(release, "a")));
        }
        try {
            assertEquals("b", engine.run("b", () -> "b").get(5, TimeUnit.SECONDS));
        } finally {
            release.countDown();
        }
        CompletableFuture.allOf(busy.toArray(CompletableFuture[]::new)).handle((v, e) -> v).get(5, TimeUnit.SECONDS);
    }

    private static String awaited(CountDownLatch release, String value) {
        try {
            release.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return value;
    }

    @Test
    void oneTemplateRendersCorrectlyOnManyThreadsAtOnce() throws Exception {
        String template = "{{${first_name}}}:{% for i in (1..3) %}{{custom_attribute.${n}}}{% endfor %}";
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Boolean>> checks = new ArrayList<>();
            for (int i = 0; i < 2_000; i++) {
                int n = i;
                checks.add(pool.submit(() -> {
                    var user = new UserRow(n, "acme", "b", Optional.empty(), Optional.empty(), Optional.empty(),
                            Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                            "{\"first_name\":\"u" + n + "\"}", "{\"n\":" + n + "}", Instant.EPOCH, Instant.EPOCH);
                    var r = engine.render(template, vars(Optional.of(user)));
                    return r instanceof Rendered.Text t && t.value().equals("u" + n + ":" + n + n + n);
                }));
            }
            for (Future<Boolean> c : checks) {
                assertTrue(c.get(30, TimeUnit.SECONDS), "a render saw another thread's variables");
            }
        } finally {
            pool.shutdownNow();
        }
        assertTrue(CompletableFuture.completedFuture(true).get());
    }

    @Test
    void includeCannotReadTheServersFiles(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path secret = dir.resolve("secret.liquid");
        java.nio.file.Files.writeString(secret, "SERVER-SECRET");
        for (String tag : new String[] {"include", "include_relative"}) {
            String source = "{% " + tag + " '" + secret + "' %}";
            assertEquals(Optional.of(NoFileInclude.REFUSED), TemplateEngine.syntaxError(source), source);
            var failed = assertInstanceOf(Rendered.Failed.class, engine.render(source, Map.of()), source);
            assertTrue(!failed.reason().contains("SERVER-SECRET") && failed.reason().contains("not supported"),
                    failed.reason());
        }
    }

    @Test
    void theIngressCheckIsLinearOnALargeTemplateOfUnclosedTags() {
        String unclosed = "{{ $".repeat(60_000) + " blank";
        String conditions = "{% if " + "a".repeat(200_000) + " blank %}";
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            assertTrue(TemplateEngine.syntaxError(unclosed).isPresent());
            assertTrue(TemplateEngine.syntaxError(conditions).isPresent());
        }, "a hang, not a 400");
    }

    @Test
    void theLongestAllowedTemplateIsStillKeptParsedWithinTheDefaultShareOfASmallHeap() {
        // 256 KiB of Liquid, a tag every 50 characters: about 20 MB parsed; an eighth of a 256 MiB heap is 32 MiB.
        String row = "<tr><td>Item for {{${first_name}}}</td><td>{{ ${city} | default: 'x' }}</td></tr>\n";
        String longest = row.repeat(TemplateEngine.Limits.defaults().maxTemplateBytes() / row.length());
        try (TemplateEngine engine256 = new TemplateEngine(TemplateEngine.Limits.defaults(), 2, System::nanoTime,
                256L * 1024 * 1024 / 8)) {
            assertInstanceOf(Rendered.Text.class, engine256.render(longest, vars(Optional.of(ana()))));

            assertTrue(engine256.parsedWeight() > 0, "kept, so the next recipient's render does not parse it again");
        }
    }

    @Test
    void parsedTemplatesStayWithinTheirWeightHoweverManySourcesArrive() {
        // A receipt whose items the sender writes into the template itself: a new source per request.
        String rows = "<tr><td>Item for {{${first_name}}}</td><td>{{ ${city} | default: 'x' }}</td></tr>\n".repeat(40);
        long perSource = (long) rows.length() * TemplateEngine.PARSED_BYTES_PER_CHAR * 2;
        long bound = 10 * perSource;
        try (TemplateEngine small = new TemplateEngine(TemplateEngine.Limits.defaults(), 2, System::nanoTime, bound)) {
            for (int order = 0; order < 200; order++) {
                String receipt = "<p>Order " + order + "</p>" + rows;
                assertInstanceOf(Rendered.Text.class, small.render(receipt, vars(Optional.of(ana()))));
            }

            assertTrue(small.parsedWeight() <= bound, () -> small.parsedWeight() + " bytes kept, bound " + bound);
            assertTrue(small.parsedWeight() > 0, "the latest sources are kept");
        }
    }
}
