package dev.herald.gateway.store;

import java.time.Instant;
import java.util.Optional;

/**
 * What a workspace knows about one email address, whichever profiles carry it (Braze keys these by address).
 *
 * @param email          the address, lower case
 * @param subscription   the state {@code POST /email/status} last set: {@code subscribed}, {@code unsubscribed} or
 *                       {@code opted_in}; a profile that never set {@code email_subscribe} itself takes it
 * @param unsubscribedAt since when the address is unsubscribed, while it is
 * @param hardBouncedAt  since when the address is on the hard-bounce list, while it is
 * @param bounceReason   the relay's answer (or {@code blocklisted via /email/blocklist}) while it is
 * @param blocklistedAt  when {@code /email/blocklist} put it there, until the bounce is removed
 */
public record EmailAddressRow(String email, Optional<String> subscription, Optional<Instant> unsubscribedAt,
                              Optional<Instant> hardBouncedAt, Optional<String> bounceReason,
                              Optional<Instant> blocklistedAt) {
}
