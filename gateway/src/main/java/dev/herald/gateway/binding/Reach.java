package dev.herald.gateway.binding;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** Where one recipient's message on one channel goes, or why it cannot go anywhere. */
public sealed interface Reach {
    /** One delivery per address. */
    record Addresses(List<Address> addresses) implements Reach {
        public Addresses {
            addresses = List.copyOf(addresses);
            if (addresses.isEmpty()) {
                throw new IllegalArgumentException("at least one address");
            }
        }
    }

    /** No address the message may go to: one delivery, {@code aborted} with this reason. */
    record Unreachable(String reason) implements Reach {
        public Unreachable {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** One address. */
    static Reach of(String address, String egressKey) {
        return new Addresses(List.of(new Address(address, egressKey, Optional.empty())));
    }

    /**
     * An address and what it leaves Herald through.
     *
     * @param address   the webhook URL, email address, phone number or push token
     * @param egressKey the host, relay, sender or credential; limits and breakers key on it
     * @param appId     the app a push token belongs to
     */
    record Address(String address, String egressKey, Optional<String> appId) {
        public Address {
            Objects.requireNonNull(address, "address");
            Objects.requireNonNull(egressKey, "egressKey");
            Objects.requireNonNull(appId, "appId");
        }
    }
}
