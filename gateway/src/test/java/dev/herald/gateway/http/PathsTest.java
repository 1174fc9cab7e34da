package dev.herald.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

final class PathsTest {
    @ParameterizedTest
    @CsvSource({"/messages/send, /messages/send", "//messages/send, /messages/send", "/messages//send/, /messages/send",
            "'', /", "/, /", "///, /", "messages/send, /messages/send"})
    void collapsesSlashesAndDropsTheTrailingOne(String raw, String expected) {
        assertEquals(expected, Paths.normalise(raw));
    }
}
