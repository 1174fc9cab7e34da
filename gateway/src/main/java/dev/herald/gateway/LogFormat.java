package dev.herald.gateway;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import dev.herald.config.LogConfig;
import net.logstash.logback.encoder.LogstashEncoder;
import org.slf4j.LoggerFactory;

/**
 * Switches the log to the configured format once the configuration is read: {@code json} replaces the console
 * appender's text lines with one JSON object per line ({@code @timestamp}, {@code level}, {@code logger_name},
 * {@code thread_name}, {@code message}, and fields such as {@code dispatch_id} that log calls pass as structured
 * arguments). What is logged is the same in both formats; no key, token or password ever is.
 */
final class LogFormat {
    private LogFormat() {
    }

    static void apply(LogConfig config) {
        if (config.format() == LogConfig.Format.TEXT
                || !(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        var appender = new ConsoleAppender<ILoggingEvent>();
        appender.setContext(context);
        appender.setName("STDOUT_JSON");
        appender.setEncoder(jsonEncoder(context));
        appender.start();
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.detachAndStopAllAppenders();
        root.addAppender(appender);
    }

    /** The encoder behind {@code log.format: json}; tests attach it to a buffer to read what Herald logs. */
    static Encoder<ILoggingEvent> jsonEncoder(LoggerContext context) {
        var encoder = new LogstashEncoder();
        encoder.setContext(context);
        encoder.setCustomFields("{\"service\":\"herald\"}");
        encoder.start();
        return encoder;
    }
}
