package dev.herald.gateway.console;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** CSV lines: RFC 4180 quoting, and no formula a spreadsheet would run. */
final class CsvTest {
    @Test
    void quotesWhatNeedsQuotingAndDefusesFormulas() {
        assertEquals("a,b,3\r\n", Csv.line(List.of("a", "b", 3)));
        assertEquals("\"x,y\",\"say \"\"hi\"\"\",\"two\nlines\",\r\n", Csv.line(Arrays.asList("x,y", "say \"hi\"",
                "two\nlines", null)));
        assertEquals("\"'=HYPERLINK(\"\"x\"\")\",'+1,'-1,'@SUM(A1)\r\n", Csv.line(List.of("=HYPERLINK(\"x\")", "+1",
                "-1", "@SUM(A1)")));
    }
}
