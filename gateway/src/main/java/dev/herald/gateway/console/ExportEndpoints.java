package dev.herald.gateway.console;

import dev.herald.channel.Channel;
import dev.herald.config.Permissions;
import dev.herald.gateway.http.Access;
import dev.herald.gateway.http.ApiCall;
import dev.herald.gateway.http.ApiException;
import dev.herald.gateway.http.ApiRequest;
import dev.herald.gateway.http.ApiResponse;
import dev.herald.gateway.http.ChunkSource;
import dev.herald.gateway.http.Endpoint;
import dev.herald.gateway.store.DeliveryRow;
import dev.herald.gateway.store.Store;
import dev.herald.gateway.store.UsageOutcome;
import dev.herald.gateway.store.UsageRow;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * CSV exports of the caller's workspace (permission {@code herald.admin}) for UTC days {@code from} to {@code to}
 * (both included, at most {@value #MAX_DAYS} days), streamed a page at a time so a long range is never in memory:
 * <ul>
 *   <li>{@code GET /herald/v1/admin/export/usage.csv}: usage per day and channel ({@code day, channel} and every
 *   usage count), read a week of hours per chunk;</li>
 *   <li>{@code GET /herald/v1/admin/export/messages.csv}: one line per delivery that was sent or ended in the range
 *   (dispatch, delivery, recipient, channel, status, attempts, created, last change, last error), {@value #PAGE} per
 *   chunk in the order they changed.</li>
 * </ul>
 * Pages are read on the store's background reader: a long export never holds the connections that accepts resolve
 * their recipients on.
 */
public final class ExportEndpoints {
    static final int MAX_DAYS = 366;
    static final int PAGE = 1000;
    private static final int USAGE_DAYS_PER_CHUNK = 7;
    private static final String CSV = "text/csv; charset=utf-8";
    private static final byte[] END = new byte[0];

    private final Store store;
    private final Clock clock;

    /** The exports over {@code store}. */
    public ExportEndpoints(Store store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** The routes. */
    public List<Endpoint> endpoints() {
        Access admin = Access.permission(Permissions.HERALD_ADMIN);
        return List.of(Endpoint.get("/herald/v1/admin/export/usage.csv", admin, this::usage),
                Endpoint.get("/herald/v1/admin/export/messages.csv", admin, this::messages));
    }

    /** A range of whole UTC days. */
    private record Days(LocalDate from, LocalDate to) {
        Instant start() {
            return from.atStartOfDay(ZoneOffset.UTC).toInstant();
        }

        Instant end() {
            return to.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        }
    }

    private Days days(ApiRequest q) {
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        LocalDate to = q.queryParam("to").filter(s -> !s.isBlank()).map(s -> date(s, "to")).orElse(today);
        LocalDate from = q.queryParam("from").filter(s -> !s.isBlank()).map(s -> date(s, "from")).orElse(to);
        if (from.isAfter(to)) {
            throw ApiException.badRequest("from must not be after to (from " + from + ", to " + to + ")");
        }
        if (ChronoUnit.DAYS.between(from, to) >= MAX_DAYS) {
            throw ApiException.badRequest("an export covers at most " + MAX_DAYS + " days (from " + from + ", to " + to
                    + ")");
        }
        return new Days(from, to);
    }

    private static LocalDate date(String raw, String name) {
        try {
            return LocalDate.parse(raw.trim());
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest(name + " must be a UTC date such as 2026-12-06, was " + raw);
        }
    }

    private static ApiResponse csv(String name, Days d, ChunkSource body) {
        return ApiResponse.streamed(200, Map.of("Content-Type", CSV, "Content-Disposition",
                "attachment; filename=\"herald-" + name + "-" + d.from() + "-" + d.to() + ".csv\""), body);
    }

    private CompletionStage<ApiResponse> usage(ApiCall call) {
        Days d = days(call.request());
        String ws = call.principal().workspaceId();
        List<String> header = new ArrayList<>(List.of("day", "channel"));
        for (UsageOutcome o : UsageOutcome.values()) {
            header.add(o.column());
        }
        var state = new Object() {
            LocalDate next = d.from();
            boolean headerSent;

            /** The next week with anything counted (a week without is no chunk: an empty one ends the body). */
            CompletionStage<byte[]> chunk() {
                if (next.isAfter(d.to())) {
                    return CompletableFuture.completedFuture(END);
                }
                LocalDate first = next;
                LocalDate last = first.plusDays(USAGE_DAYS_PER_CHUNK - 1);
                Days week = new Days(first, last.isAfter(d.to()) ? d.to() : last);
                next = week.to().plusDays(1);
                return store.readInBackground(tx -> tx.usage().hours(ws, week.start(), week.end()))
                        .thenApply(ExportEndpoints::usageLines)
                        .thenCompose(bytes -> bytes.length > 0 ? CompletableFuture.completedFuture(bytes) : chunk());
            }
        };
        ChunkSource body = () -> {
            if (!state.headerSent) {
                state.headerSent = true;
                return CompletableFuture.completedFuture(Csv.bytes(new StringBuilder(Csv.line(header))));
            }
            return state.chunk();
        };
        return CompletableFuture.completedFuture(csv("usage", d, body));
    }

    /** Hours added up per day and channel, in day then channel order. */
    private static byte[] usageLines(List<UsageRow> hours) {
        Map<LocalDate, Map<Channel, long[]>> byDay = new TreeMap<>();
        UsageOutcome[] outcomes = UsageOutcome.values();
        for (UsageRow r : hours) {
            long[] sums = byDay.computeIfAbsent(LocalDate.ofInstant(r.hour(), ZoneOffset.UTC), k -> new TreeMap<>())
                    .computeIfAbsent(r.channel(), k -> new long[outcomes.length]);
            for (int i = 0; i < outcomes.length; i++) {
                sums[i] += r.count(outcomes[i]);
            }
        }
        StringBuilder out = new StringBuilder();
        byDay.forEach((day, channels) -> channels.forEach((channel, sums) -> {
            List<Object> line = new ArrayList<>(List.of(day, channel.wireName()));
            for (long n : sums) {
                line.add(n);
            }
            out.append(Csv.line(line));
        }));
        return Csv.bytes(out);
    }

    private CompletionStage<ApiResponse> messages(ApiCall call) {
        Days d = days(call.request());
        String ws = call.principal().workspaceId();
        var cursor = new Object() {
            Instant updated = Instant.EPOCH;
            String id = "";
            boolean headerSent;
            boolean done;
        };
        ChunkSource body = () -> {
            if (!cursor.headerSent) {
                cursor.headerSent = true;
                return CompletableFuture.completedFuture(Csv.bytes(new StringBuilder(Csv.line(List.of("dispatch_id",
                        "delivery_id", "recipient", "channel", "status", "attempts", "created_at", "updated_at",
                        "last_error")))));
            }
            if (cursor.done) {
                return CompletableFuture.completedFuture(END);
            }
            return store.readInBackground(tx -> tx.deliveries().finishedPage(ws, d.start(), d.end(), cursor.updated,
                    cursor.id, PAGE)).thenApply(page -> {
                        if (page.size() < PAGE) {
                            cursor.done = true;
                        }
                        if (page.isEmpty()) {
                            return END;
                        }
                        DeliveryRow lastRow = page.getLast();
                        cursor.updated = lastRow.updatedAt();
                        cursor.id = lastRow.id().toString();
                        StringBuilder out = new StringBuilder();
                        for (DeliveryRow r : page) {
                            out.append(Csv.line(java.util.Arrays.asList(r.dispatchId(), r.id(), r.recipient(),
                                    r.channel().wireName(), r.status().dbName(), r.attempts(), r.createdAt(),
                                    r.updatedAt(), r.lastError().orElse(null))));
                        }
                        return Csv.bytes(out);
                    });
        };
        return CompletableFuture.completedFuture(csv("messages", d, body));
    }
}
