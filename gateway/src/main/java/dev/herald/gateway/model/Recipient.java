package dev.herald.gateway.model;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.Objects;

/**
 * Who a message is for, as the request named them. {@link #key()} is how the journal and the status API write a
 * recipient: {@code external_id:ID}, {@code alias:LABEL:NAME}, {@code braze_id:ID} or {@code email:ADDRESS}.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "by")
@JsonSubTypes({
        @JsonSubTypes.Type(value = Recipient.ExternalId.class, name = "external_id"),
        @JsonSubTypes.Type(value = Recipient.Alias.class, name = "alias"),
        @JsonSubTypes.Type(value = Recipient.BrazeId.class, name = "braze_id"),
        @JsonSubTypes.Type(value = Recipient.Email.class, name = "email")})
public sealed interface Recipient {
    /** The recipient as the journal writes it. */
    String key();

    /** {@code external_user_id}. */
    record ExternalId(String id) implements Recipient {
        public ExternalId {
            Objects.requireNonNull(id, "id");
        }

        @Override
        public String key() {
            return "external_id:" + id;
        }
    }

    /** {@code user_alias}. */
    record Alias(String label, String name) implements Recipient {
        public Alias {
            Objects.requireNonNull(label, "label");
            Objects.requireNonNull(name, "name");
        }

        @Override
        public String key() {
            return "alias:" + label + ":" + name;
        }
    }

    /** {@code braze_id}: Herald's own id of a profile. */
    record BrazeId(String id) implements Recipient {
        public BrazeId {
            Objects.requireNonNull(id, "id");
        }

        @Override
        public String key() {
            return "braze_id:" + id;
        }
    }

    /** An email address (trigger recipients): the most recently updated profile with it. */
    record Email(String address) implements Recipient {
        public Email {
            Objects.requireNonNull(address, "address");
        }

        @Override
        public String key() {
            return "email:" + address;
        }
    }
}
