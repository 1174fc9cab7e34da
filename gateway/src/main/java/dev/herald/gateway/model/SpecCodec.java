package dev.herald.gateway.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The persisted form of the model: Jackson data binding of the records, snake_case, with the version beside the
 * document ({@code dispatch.spec_version}). {@link #CURRENT} is what this Herald writes; a version it does not know
 * is refused with a clear message rather than misread. When a record changes incompatibly, bump {@link #CURRENT}
 * and teach {@link #decode} to read the old version (fields added with a default need no new version: an older
 * document simply lacks them).
 *
 * <p>Version 0 is the normalised Braze request JSON that Herald kept before the typed model; it is converted at
 * start, by the Braze schema, not here.
 */
public final class SpecCodec {
    /** The version this Herald writes. */
    public static final int CURRENT = 1;

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new Jdk8Module())
            .addModule(new JavaTimeModule())
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .serializationInclusion(JsonInclude.Include.NON_ABSENT)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();
    private static final ObjectReader SPEC_READER = MAPPER.readerFor(DispatchSpec.class);
    private static final ObjectWriter SPEC_WRITER = MAPPER.writerFor(DispatchSpec.class);
    private static final ObjectReader SCHEDULE_READER = MAPPER.readerFor(ScheduleSpec.class);
    private static final ObjectWriter SCHEDULE_WRITER = MAPPER.writerFor(ScheduleSpec.class);

    static {
        MAPPER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(128).maxStringLength(16 * 1024 * 1024).build());
    }

    private SpecCodec() {
    }

    /** A spec's document at {@link #CURRENT}. */
    public static String encode(DispatchSpec spec) {
        try {
            return SPEC_WRITER.writeValueAsString(spec);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a dispatch spec always serialises: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Reads a spec document written at {@code version}.
     *
     * @throws UnreadableSpecException if the version is unknown or the document does not bind
     */
    public static DispatchSpec decode(int version, String document) {
        if (version != CURRENT) {
            throw new UnreadableSpecException(version > CURRENT
                    ? "written by a newer Herald (spec version " + version + ", this one reads " + CURRENT + ")"
                    : "spec version " + version + " was not upgraded at start");
        }
        try {
            return SPEC_READER.readValue(document);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new UnreadableSpecException("the stored spec does not read: " + e.getMessage());
        }
    }

    /** A schedule's document. */
    public static String encode(ScheduleSpec schedule) {
        try {
            return SCHEDULE_WRITER.writeValueAsString(schedule);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a schedule always serialises", e);
        }
    }

    /** Reads a schedule document (the same shape since the first Herald: {@code time}, {@code in_local_time}). */
    public static ScheduleSpec decodeSchedule(String document) {
        try {
            return SCHEDULE_READER.readValue(document);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new UnreadableSpecException("the stored schedule does not read: " + e.getMessage());
        }
    }

    /** A stored spec or schedule that this Herald cannot read; its deliveries fail with this reason. */
    public static final class UnreadableSpecException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UnreadableSpecException(String message) {
            super(message, null, false, false);
        }
    }
}
