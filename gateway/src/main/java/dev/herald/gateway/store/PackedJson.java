package dev.herald.gateway.store;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * Text kept deflated in the journal: a format byte ({@value #ZLIB}: zlib, whose checksum catches a damaged row),
 * then the UTF-8 text deflated at the fastest level. It is the single writer that packs, so speed matters more than
 * the last few bytes: JSON lines of like events still shrink about five times.
 */
final class PackedJson {
    private static final byte ZLIB = 1;

    private final Deflater deflater = new Deflater(Deflater.BEST_SPEED);

    /** {@code text} packed. */
    byte[] pack(CharSequence text) {
        byte[] in = text.toString().getBytes(StandardCharsets.UTF_8);
        deflater.reset();
        deflater.setInput(in);
        deflater.finish();
        byte[] out = new byte[in.length / 3 + 64];
        out[0] = ZLIB;
        int length = 1;
        while (!deflater.finished()) {
            if (length == out.length) {
                out = Arrays.copyOf(out, out.length * 2);
            }
            length += deflater.deflate(out, length, out.length - length);
        }
        return Arrays.copyOf(out, length);
    }

    /** The text {@code packed} holds. */
    static String unpack(byte[] packed) {
        if (packed.length == 0 || packed[0] != ZLIB) {
            throw new IllegalStateException("packed text of an unknown format "
                    + (packed.length == 0 ? "(empty)" : Byte.toString(packed[0])));
        }
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(packed, 1, packed.length - 1);
            byte[] out = new byte[packed.length * 6];
            int length = 0;
            while (!inflater.finished()) {
                if (length == out.length) {
                    out = Arrays.copyOf(out, out.length * 2);
                }
                int n = inflater.inflate(out, length, out.length - length);
                if (n == 0 && !inflater.finished() && (inflater.needsInput() || inflater.needsDictionary())) {
                    throw new IllegalStateException("packed text is cut short");
                }
                length += n;
            }
            return new String(out, 0, length, StandardCharsets.UTF_8);
        } catch (DataFormatException e) {
            throw new IllegalStateException("packed text is damaged: " + e.getMessage(), e);
        } finally {
            inflater.end();
        }
    }
}
