package dev.herald.channel.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

final class LastValueTest {

    @Test
    void anEqualKeyGetsTheRememberedValueAndAnotherKeyReplacesIt() {
        var computed = new AtomicInteger();
        var last = new LastValue<String, StringBuilder>();
        StringBuilder first = last.get("sale", k -> new StringBuilder(k + computed.incrementAndGet()));
        assertSame(first, last.get(new String("sale"), k -> new StringBuilder("never"))); // equal, not the same key
        assertEquals("offer2", last.get("offer", k -> new StringBuilder(k + computed.incrementAndGet())).toString());
        assertEquals("sale3", last.get("sale", k -> new StringBuilder(k + computed.incrementAndGet())).toString(),
                "one entry: the first key was replaced");
        assertEquals(3, computed.get());
    }
}
