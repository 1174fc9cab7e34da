package dev.herald.gateway.store;

import java.time.Instant;
import java.util.Optional;

/**
 * One user profile of a workspace's directory.
 *
 * @param id             internal row id
 * @param brazeId        Herald's own id for the user (24 hex, Braze's shape)
 * @param externalId     the caller's id, absent for alias-, email- or phone-only profiles
 * @param emailInvalid   why the email address bounced, until {@code /users/track} sets an address again
 * @param phoneInvalid   why the phone number was refused, likewise
 * @param emailSubscribe {@code opted_in}, {@code subscribed} or {@code unsubscribed}
 * @param pushSubscribe  likewise for push
 * @param profile        standard attributes as JSON ({@code first_name}, {@code dob}, ...)
 * @param custom         custom attributes as JSON
 */
public record UserRow(long id, String workspace, String brazeId, Optional<String> externalId, Optional<String> email,
                      Optional<String> emailInvalid, Optional<String> phone, Optional<String> phoneInvalid,
                      Optional<String> emailSubscribe, Optional<String> pushSubscribe, Optional<String> timeZone,
                      String profile, String custom, Instant createdAt, Instant updatedAt) {
}
