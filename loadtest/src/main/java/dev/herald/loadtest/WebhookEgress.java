package dev.herald.loadtest;

import java.time.Duration;

/**
 * {@code loadtest/bench webhook}: Herald's webhooks to a loopback {@link HttpSink} (one I/O thread, answers
 * {@code 200}), beside the JDK's {@code HttpClient} sending the same requests ({@link HttpClientCeiling}). The
 * workspace sets {@code webhook.allow_private_networks} so Herald may reach 127.0.0.1, and
 * {@code webhook.max_in_flight_per_host} to the client's {@code --in-flight}, so both keep as many webhooks in flight
 * to the sink (Herald's default is 32 per host). With {@code --currents on}
 * the workspace also streams every message event to a second loopback sink (batches of 100), so two runs show
 * what the event stream costs; {@code --currents compare} runs a second Herald with the stream on beside one without,
 * interleaved round by round in the same run, which is what makes the difference worth reading on a busy machine.
 */
final class WebhookEgress implements EgressBenchmark.Egress {
    private static final String PATH = "/hook";
    private static final String PAYLOAD = "{\"order\":42,\"status\":\"shipped\"}";

    private final HttpSink sink;
    private final HttpClientCeiling client;
    private final int maxInFlight;
    private final Stream stream;
    private final HttpSink events;

    /** Whether Herald streams its message events ({@code --currents off|on|compare}). */
    enum Stream { OFF, ON, COMPARE }

    WebhookEgress(int maxInFlight, Stream stream) throws InterruptedException {
        this.sink = new HttpSink();
        this.client = new HttpClientCeiling(sink, PATH, PAYLOAD, maxInFlight);
        this.maxInFlight = maxInFlight;
        this.stream = stream;
        this.events = stream == Stream.OFF ? null : new HttpSink();
    }

    @Override
    public String workspaceYaml() {
        return stream == Stream.ON ? streamYaml() : "";
    }

    @Override
    public java.util.Optional<String> comparedWorkspaceYaml() {
        return stream == Stream.COMPARE ? java.util.Optional.of(streamYaml()) : java.util.Optional.empty();
    }

    @Override
    public long sideTraffic() {
        return events == null ? 0 : events.accepted();
    }

    private String streamYaml() {
        return "    events: { currents: { url: \"http://127.0.0.1:" + events.port()
                + "/currents\", token: bench-token, batch_size: 100, flush_interval: 1s } }\n";
    }

    @Override
    public String report() {
        return switch (stream) {
            case OFF -> "event stream: off (--currents on streams every event to a second sink; --currents compare "
                    + "runs Herald with and without it in the same run)";
            case ON -> "event stream: on; " + events.accepted() + " batches of up to 100 events taken by the events "
                    + "sink";
            case COMPARE -> "event stream: compared; " + events.accepted() + " batches of up to 100 events taken by "
                    + "the events sink from the second Herald";
        };
    }

    @Override
    public String unit() {
        return "webhooks";
    }

    @Override
    public String ceilingName() {
        return "raw httpclient";
    }

    @Override
    public String describe() {
        return "JDK HttpClient (HTTP/1.1) with " + maxInFlight + " in flight, Herald with webhook.max_in_flight_per_host "
                + maxInFlight + "; both to one loopback HTTP sink (1 I/O thread, answers 200)";
    }

    @Override
    public DeliverySink sink() {
        return sink;
    }

    @Override
    public String yaml() {
        return "webhook: { allow_private_networks: true, max_in_flight_per_host: " + maxInFlight + " }\n";
    }

    @Override
    public void prepare(int heraldPort, int users) {
        // Webhooks go to any external id; no profile needed.
    }

    @Override
    public String sendBody(int first, int count, int users) {
        var ids = new StringBuilder();
        for (int i = 0; i < count; i++) {
            ids.append(i == 0 ? "\"" : ",\"").append("hook-user-").append((first + i) % users).append('"');
        }
        return "{\"external_user_ids\":[" + ids + "],\"messages\":{\"webhook\":{\"url\":\"http://127.0.0.1:"
                + sink.port() + PATH + "\",\"request_method\":\"POST\",\"request_headers\":{\"Content-Type\":"
                + "\"application/json\"},\"body\":\"" + PAYLOAD.replace("\"", "\\\"") + "\"}}}";
    }

    @Override
    public CeilingLoop.Result raw(Duration warmup, Duration measure, long max) throws InterruptedException {
        return client.run(warmup, measure, max);
    }

    @Override
    public void close() {
        client.close();
        sink.close();
        if (events != null) {
            events.close();
        }
    }
}
