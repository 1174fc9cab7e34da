package dev.herald.channel.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.mail.util.StreamProvider;
import org.junit.jupiter.api.Test;

/** The pin names Angus's provider, Jakarta Mail then finds it without a class-path scan, and an operator's wins. */
class StreamProviderPinTest {
    @Test
    void namesAngusUnlessTheOperatorChoseAndJakartaMailUsesIt() {
        String before = System.getProperty(StreamProviderPin.PROPERTY);
        try {
            System.setProperty(StreamProviderPin.PROPERTY, "com.example.TheirProvider");
            StreamProviderPin.pin();
            assertEquals("com.example.TheirProvider", System.getProperty(StreamProviderPin.PROPERTY));

            System.clearProperty(StreamProviderPin.PROPERTY);
            StreamProviderPin.pin();
            assertEquals(StreamProviderPin.ANGUS, System.getProperty(StreamProviderPin.PROPERTY));
            assertEquals(StreamProviderPin.ANGUS, StreamProvider.provider().getClass().getName());
        } finally {
            if (before == null) {
                System.clearProperty(StreamProviderPin.PROPERTY);
            } else {
                System.setProperty(StreamProviderPin.PROPERTY, before);
            }
        }
    }
}
