package dev.herald.loadtest;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.IntFunction;

/** Creates a benchmark's users through Herald's {@code /users/track}, 75 per request (Braze's most). */
final class UserTracker {
    private static final int TRACK_BATCH = 75;

    private UserTracker() {
    }

    /** Tracks users {@code 0..users-1}, each with the attributes object {@code attributes} gives for it. */
    static void track(int port, String key, int users, IntFunction<String> attributes) throws Exception {
        try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build()) {
            for (int from = 0; from < users; from += TRACK_BATCH) {
                var b = new StringBuilder("{\"attributes\":[");
                for (int i = from; i < Math.min(users, from + TRACK_BATCH); i++) {
                    b.append(i == from ? "" : ",").append(attributes.apply(i));
                }
                var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/users/track"))
                        .timeout(Duration.ofSeconds(30))
                        .header("Authorization", "Bearer " + key)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(b.append("]}").toString()))
                        .build();
                var response = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() / 100 != 2 || response.body().contains("\"errors\"")) {
                    throw new IllegalStateException("/users/track answered " + response.statusCode() + ": "
                            + response.body());
                }
            }
        }
    }
}
