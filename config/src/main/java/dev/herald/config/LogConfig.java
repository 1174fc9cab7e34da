package dev.herald.config;

import java.util.Objects;

/**
 * How Herald writes its log to standard output.
 *
 * @param format {@code text} (one readable line per event) or {@code json} (one JSON object per line, with ids
 *               such as {@code dispatch_id} as fields, for a log shipper)
 */
public record LogConfig(Format format) {
    /** The log's line format. */
    public enum Format {
        /** Readable lines. */
        TEXT,
        /** One JSON object per line (logstash-logback-encoder). */
        JSON
    }

    public LogConfig {
        Objects.requireNonNull(format, "format");
    }

    /** Text lines. */
    public static LogConfig defaults() {
        return new LogConfig(Format.TEXT);
    }
}
