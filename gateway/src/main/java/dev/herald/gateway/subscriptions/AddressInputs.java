package dev.herald.gateway.subscriptions;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.gateway.http.ApiException;
import dev.herald.gateway.http.ApiRequest;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Reads the addresses and ids these endpoints take: a string or an array of strings in a JSON body, one or more
 * query values ({@code email=a} or, as the braze-api client sends arrays, {@code email[]=a&email[]=b}). At most
 * {@value #MAX} of each per request; emails are checked and lower-cased as the directory stores them.
 */
final class AddressInputs {
    /** Braze's limit on addresses or ids per request. */
    static final int MAX = 50;
    /** The same check {@code /users/track} applies to {@code email}. */
    private static final Pattern EMAIL = Pattern.compile("[^\\s@]+@[^\\s@]+\\.[^\\s@]+");
    /** E.164, with the leading {@code +} optional as in Braze's own examples ({@code "12183095514"}). */
    private static final Pattern PHONE = Pattern.compile("\\+?[1-9]\\d{6,14}");
    /** Braze's answer when both kinds of address are given (post_update_user_subscription_group_status.md). */
    static final String EMAIL_AND_PHONE = "Either an email address or a phone number should be provided, but not both.";

    private AddressInputs() {
    }

    /** Strings from {@code field} of a JSON body: absent is empty; a string is one; an array holds strings. */
    static List<String> strings(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        if (v.isTextual()) {
            out.add(v.asText());
        } else if (v.isArray()) {
            for (JsonNode item : v) {
                if (!item.isTextual()) {
                    throw ApiException.badRequest(field + " must be a string or an array of strings");
                }
                out.add(item.asText());
            }
        } else {
            throw ApiException.badRequest(field + " must be a string or an array of strings");
        }
        return bounded(out, field);
    }

    /** Values of a query parameter given as {@code name} or {@code name[]}, comma-free, in order. */
    static List<String> query(ApiRequest request, String name) {
        List<String> out = new ArrayList<>();
        for (String key : new String[] {name, name + "[]"}) {
            List<String> values = request.query().get(key);
            if (values != null) {
                // Braze's own examples put "phone=+1..." unencoded in the URL, which form decoding reads as a space.
                values.forEach(v -> out.add(v.matches(" \\d{7,15}") ? "+" + v.substring(1) : v));
            }
        }
        return bounded(out, name);
    }

    private static List<String> bounded(List<String> values, String field) {
        List<String> out = new ArrayList<>(new LinkedHashSet<>(values.stream().map(String::trim).toList()));
        if (out.size() > MAX) {
            throw new ApiException(400, "The max number of ids per request was exceeded",
                    List.of(field + ": " + out.size() + " given, at most " + MAX + " allowed"));
        }
        for (String v : out) {
            if (v.isEmpty()) {
                throw ApiException.badRequest(field + " must not hold empty strings");
            }
        }
        return out;
    }

    /** Checks every address (the whole request fails on one bad address, before anything is written). */
    static List<String> emails(List<String> given, String field) {
        List<String> out = new ArrayList<>();
        for (String e : given) {
            if (e.length() > 254 || !EMAIL.matcher(e).matches()
                    || dev.herald.gateway.http.Lenient.identifierProblem(e).isPresent()) {
                throw new ApiException(400, "Invalid email address", List.of(field + ": \"" + e
                        + "\" is not a valid email address"));
            }
            out.add(e.toLowerCase(Locale.ROOT));
        }
        return List.copyOf(new LinkedHashSet<>(out));
    }

    /** Checks every number. */
    static List<String> phones(List<String> given, String field) {
        for (String p : given) {
            if (!PHONE.matcher(p).matches()) {
                throw new ApiException(400, "Invalid phone number", List.of(field + ": \"" + p
                        + "\" is not an E.164 phone number such as +15551234567"));
            }
        }
        return given;
    }

    /** Checks external ids the way {@code /users/*} do. */
    static List<String> externalIds(List<String> given, String field) {
        for (String id : given) {
            dev.herald.gateway.http.Lenient.identifier(id, field);
        }
        return given;
    }
}
