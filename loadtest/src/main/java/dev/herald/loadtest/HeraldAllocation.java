package dev.herald.loadtest;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The bytes a running Herald has allocated on its heap so far, read from its ops port's {@code /metrics}: Micrometer's
 * {@code jvm_gc_memory_allocated_bytes_total} (counted at each young collection) plus what the young generation's eden
 * holds now (allocated since the last collection, not yet counted). Read before and after a measured phase and divided
 * by its requests or deliveries, it is the allocation per unit of work the issue asks to measure: less of it means
 * fewer collections competing with the senders and the writer for the two cores.
 */
final class HeraldAllocation {
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private HeraldAllocation() {
    }

    /** Bytes allocated since Herald started, or -1 if its metrics do not say. */
    static long bytes(int opsPort) {
        try {
            String text = CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + opsPort + "/metrics"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
            double counted = -1;
            double eden = 0;
            for (String line : text.split("\n")) {
                if (line.startsWith("jvm_gc_memory_allocated_bytes_total")) {
                    counted = value(line);
                } else if (line.startsWith("jvm_memory_used_bytes{") && line.contains("Eden Space")) {
                    eden += value(line);
                }
            }
            return counted < 0 ? -1 : (long) (counted + eden);
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static double value(String line) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
    }

    /** {@code bytes} per {@code units} in KiB, as the benchmarks print it ("n/a" when not measured). */
    static String perUnit(long bytes, long units) {
        return bytes < 0 || units <= 0 ? "n/a" : "%.1f KiB".formatted(bytes / 1024.0 / units);
    }
}
