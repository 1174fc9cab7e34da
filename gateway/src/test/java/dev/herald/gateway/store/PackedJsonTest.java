package dev.herald.gateway.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class PackedJsonTest {
    private final PackedJson packer = new PackedJson();

    @Test
    void textComesBackAsItWasWhateverItsSizeAndCharacters() {
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 2000; i++) {
            lines.append("{\"event_type\":\"users.messages.email.Send\",\"id\":\"").append(i)
                    .append("\",\"user\":{\"external_user_id\":\"zoë-✓-𝄞\"}}\n");
        }
        for (String text : new String[] {"", "x", lines.toString()}) {
            assertEquals(text, PackedJson.unpack(packer.pack(text)));
        }
        byte[] packed = packer.pack(lines);
        assertTrue(packed.length * 5 < lines.length(), "like lines shrink: " + packed.length);
    }

    @Test
    void aDamagedOrForeignRowIsRefusedNotMisread() {
        byte[] packed = packer.pack("{\"event_type\":\"users.messages.sms.Delivery\"}".repeat(40));
        byte[] flipped = packed.clone();
        flipped[flipped.length / 2] ^= 0x5a;
        byte[] cut = Arrays.copyOf(packed, packed.length - 5);
        byte[] foreign = packed.clone();
        foreign[0] = 9;
        for (byte[] bad : new byte[][] {flipped, cut, foreign, new byte[0]}) {
            assertThrows(IllegalStateException.class, () -> PackedJson.unpack(bad));
        }
    }
}
