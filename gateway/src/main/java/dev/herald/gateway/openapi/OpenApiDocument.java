package dev.herald.gateway.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.herald.gateway.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Herald's OpenAPI document, read from the YAML resource {@value #RESOURCE} beside this class and kept as JSON bytes:
 * YAML for the people who maintain it (comments, less punctuation), JSON for the clients and generators that fetch it.
 */
public final class OpenApiDocument {
    /** The classpath resource, beside this class. */
    public static final String RESOURCE = "openapi.yaml";

    private final byte[] json;

    private OpenApiDocument(JsonNode tree) {
        this.json = Json.bytes(tree);
    }

    /** The bundled document, read once per process: it cannot change while Herald runs, and tests start many. */
    private static final class Bundled {
        static final OpenApiDocument DOCUMENT = read();
    }

    /** The bundled document; a missing or malformed file is a build error, so it fails loudly at start. */
    public static OpenApiDocument load() {
        return Bundled.DOCUMENT;
    }

    private static OpenApiDocument read() {
        try (InputStream in = OpenApiDocument.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the OpenAPI document " + RESOURCE + " is not on the classpath");
            }
            JsonNode tree = new ObjectMapper(new YAMLFactory()).readTree(in);
            if (tree == null || !tree.isObject() || !tree.path("openapi").isTextual()) {
                throw new IllegalStateException("the OpenAPI document " + RESOURCE + " has no openapi version");
            }
            return new OpenApiDocument(tree);
        } catch (IOException e) {
            throw new UncheckedIOException("the OpenAPI document " + RESOURCE + " cannot be read", e);
        }
    }

    /** The document as JSON, ready to write. Callers must not modify the array. */
    byte[] json() {
        return json;
    }
}
