package dev.herald.gateway.users;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.gateway.json.Json;
import dev.herald.gateway.store.UserRow;
import java.time.Instant;
import java.util.Optional;

/** A mutable working copy of one profile while an attributes object is applied to it. */
final class ProfileEdit {
    private final UserRow base;
    Optional<String> email;
    Optional<String> emailInvalid;
    Optional<String> phone;
    Optional<String> phoneInvalid;
    Optional<String> emailSubscribe;
    Optional<String> pushSubscribe;
    Optional<String> timeZone;
    final ObjectNode profile;
    final ObjectNode custom;

    ProfileEdit(UserRow u) {
        this.base = u;
        email = u.email();
        emailInvalid = u.emailInvalid();
        phone = u.phone();
        phoneInvalid = u.phoneInvalid();
        emailSubscribe = u.emailSubscribe();
        pushSubscribe = u.pushSubscribe();
        timeZone = u.timeZone();
        profile = object(u.profile());
        custom = object(u.custom());
    }

    private static ObjectNode object(String json) {
        try {
            var n = Json.parse(json);
            return n instanceof ObjectNode o ? o : Json.object();
        } catch (Exception e) {
            return Json.object();
        }
    }

    long userId() {
        return base.id();
    }

    UserRow toRow(Instant now) {
        return new UserRow(base.id(), base.workspace(), base.brazeId(), base.externalId(), email, emailInvalid, phone,
                phoneInvalid, emailSubscribe, pushSubscribe, timeZone, Json.text(profile), Json.text(custom),
                base.createdAt(), now);
    }
}
