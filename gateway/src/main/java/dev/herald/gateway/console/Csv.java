package dev.herald.gateway.console;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * CSV lines as RFC 4180 writes them (a field with a comma, quote or line break is quoted, quotes doubled, CRLF), with
 * one guard: a field starting with {@code = + - @} or a tab is prefixed with {@code '}, so a spreadsheet opening the
 * export never runs a formula a recipient's address or a provider's error smuggled in.
 */
final class Csv {
    private Csv() {
    }

    /** One line; each value's {@code toString}, null as an empty field. */
    static String line(List<?> fields) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            Object v = fields.get(i);
            out.append(field(v == null ? "" : v.toString()));
        }
        return out.append("\r\n").toString();
    }

    static String field(String raw) {
        String v = !raw.isEmpty() && "=+-@\t\r".indexOf(raw.charAt(0)) >= 0 ? "'" + raw : raw;
        if (v.indexOf(',') < 0 && v.indexOf('"') < 0 && v.indexOf('\n') < 0 && v.indexOf('\r') < 0) {
            return v;
        }
        return '"' + v.replace("\"", "\"\"") + '"';
    }

    static byte[] bytes(StringBuilder lines) {
        return lines.toString().getBytes(StandardCharsets.UTF_8);
    }
}
