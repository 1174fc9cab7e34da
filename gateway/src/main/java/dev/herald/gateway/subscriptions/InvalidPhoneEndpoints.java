package dev.herald.gateway.subscriptions;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.gateway.http.Access;
import dev.herald.gateway.http.ApiCall;
import dev.herald.gateway.http.ApiException;
import dev.herald.gateway.http.ApiResponse;
import dev.herald.gateway.http.Endpoint;
import dev.herald.gateway.idempotency.Idempotency;
import dev.herald.gateway.json.Json;
import dev.herald.gateway.store.ListQuery;
import dev.herald.gateway.store.Listed;
import dev.herald.gateway.store.Store;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * Braze's invalid phone number list, fed by the SMS provider's permanent refusals of a number (Twilio's invalid or
 * unreachable {@code To}, which the SMS binding reports as a dead address):
 * <ul>
 *   <li>{@code GET /sms/invalid_phone_numbers} ({@code sms.invalid_phone_numbers}): by {@code phone_numbers}, or by
 *       date range, optionally one {@code reason}, newest first, as
 *       {@code {"sms": [{"phone", "invalid_detected_at", "reason"}], "message": "success"}};</li>
 *   <li>{@code POST /sms/invalid_phone_numbers/remove} ({@code sms.invalid_phone_numbers.remove}): up to 50
 *       {@code phone_numbers} off the list, the profiles' refusal marks cleared, so sends reach them again.</li>
 * </ul>
 */
public final class InvalidPhoneEndpoints {
    private static final Set<String> REASONS = Set.of("provider_error", "deactivated");

    private final Store store;

    /** The endpoints over {@code store}. */
    public InvalidPhoneEndpoints(Store store) {
        this.store = store;
    }

    /** Both routes. */
    public List<Endpoint> endpoints() {
        return List.of(Endpoint.get("/sms/invalid_phone_numbers", Access.permission("sms.invalid_phone_numbers"),
                        this::list),
                Endpoint.post("/sms/invalid_phone_numbers/remove",
                        Access.permission("sms.invalid_phone_numbers.remove"), this::remove));
    }

    private CompletionStage<ApiResponse> list(ApiCall call) {
        List<String> phones = AddressInputs.phones(AddressInputs.query(call.request(), "phone_numbers"),
                "phone_numbers");
        Optional<String> reason = call.request().queryParam("reason").map(r -> r.trim().toLowerCase(Locale.ROOT))
                .filter(r -> !r.isEmpty());
        if (reason.isPresent() && !REASONS.contains(reason.get())) {
            throw ApiException.badRequest("reason must be provider_error or deactivated, was \"" + reason.get() + "\"");
        }
        ListQuery window = ListWindow.of(call.request(), phones.isEmpty(), "phone_numbers");
        String ws = call.principal().workspaceId();
        return store.read(tx -> {
            List<Listed> entries;
            if (phones.isEmpty()) {
                entries = tx.invalidPhones().page(ws, window, reason);
            } else {
                entries = new ArrayList<>();
                for (String phone : phones) {
                    tx.invalidPhones().get(ws, phone).filter(l -> reason.map(l.reason()::equals).orElse(true))
                            .ifPresent(entries::add);
                }
            }
            ObjectNode out = Json.object();
            ArrayNode sms = out.putArray("sms");
            for (Listed l : entries) {
                sms.addObject().put("phone", l.address()).put("invalid_detected_at", l.at().toString())
                        .put("reason", l.reason());
            }
            out.put("message", "success");
            return ApiResponse.json(200, out);
        });
    }

    /** {@code phone_numbers} as Braze's example sends it; its parameter table spells it {@code phone_number}. */
    private CompletionStage<ApiResponse> remove(ApiCall call) {
        String field = call.body().has("phone_numbers") || !call.body().has("phone_number") ? "phone_numbers"
                : "phone_number";
        List<String> phones = AddressInputs.phones(AddressInputs.strings(call.body(), field), field);
        if (phones.isEmpty()) {
            throw ApiException.badRequest("phone_numbers is required (an array of up to " + AddressInputs.MAX
                    + " numbers)");
        }
        String ws = call.principal().workspaceId();
        return store.writeIngress(tx -> {
            for (String phone : phones) {
                tx.invalidPhones().remove(ws, phone);
                tx.users().clearPhoneInvalid(ws, phone, call.receivedAt());
            }
            ObjectNode out = Json.object();
            out.put("message", "success");
            return Idempotency.remember(tx, call, ApiResponse.json(201, out), Optional.empty());
        });
    }
}
