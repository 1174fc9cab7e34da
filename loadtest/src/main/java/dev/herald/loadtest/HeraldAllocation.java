package dev.herald.loadtest;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The bytes a running Herald has allocated on its heap so far, read from its ops port's {@code /metrics}
 * ({@code herald_jvm_heap_allocated_bytes_total}: the JVM's running total over all threads, exact at the moment it
 * is read). Read at the start and end of a measured phase and divided by its requests or deliveries, it is the heap
 * allocation per unit of work: less of it means fewer collections competing with the senders and the writer for
 * the cores.
 */
final class HeraldAllocation {
    private static final String METRIC = "herald_jvm_heap_allocated_bytes_total";
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private HeraldAllocation() {
    }

    /** Bytes allocated since Herald started, or -1 if its metrics cannot be read or do not say. */
    static long bytes(int opsPort) {
        try {
            String text = CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + opsPort + "/metrics"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
            for (String line : text.split("\n")) {
                if (line.startsWith(METRIC + " ") || line.startsWith(METRIC + "{")) {
                    return (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
            return -1;
        } catch (IOException | RuntimeException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** The bytes between two readings, or -1 if either is missing. */
    static long between(long start, long end) {
        return start < 0 || end < 0 ? -1 : end - start;
    }

    /** {@code bytes} per {@code units} in KiB, as the benchmarks print it ("n/a" when not measured). */
    static String perUnit(long bytes, long units) {
        return bytes < 0 || units <= 0 ? "n/a" : "%.1f KiB".formatted(bytes / 1024.0 / units);
    }
}
