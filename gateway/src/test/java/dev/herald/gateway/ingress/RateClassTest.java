package dev.herald.gateway.ingress;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.config.LimitsConfig;
import dev.herald.gateway.http.Access;
import dev.herald.gateway.http.Endpoint;
import dev.herald.gateway.json.Json;
import dev.herald.ratelimit.Limit;
import dev.herald.ratelimit.Policy;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Which bucket a request spends from, and the limit each class has under a workspace's limits. */
final class RateClassTest {
    private static Endpoint post(String pattern) {
        return Endpoint.post(pattern, Access.permission("x"), call -> new CompletableFuture<>());
    }

    private static JsonNode body(String json) throws Exception {
        return Json.parse(json);
    }

    @Test
    void messagingCallsToUsersAreGeneralAndToASegmentOrAudienceAreBroadcast() throws Exception {
        assertEquals(RateClass.GENERAL, RateClass.of(post("/messages/send"), body("{\"external_user_ids\":[\"u\"]}")));
        assertEquals(RateClass.BROADCAST, RateClass.of(post("/messages/send"), body("{\"broadcast\":true}")));
        assertEquals(RateClass.BROADCAST, RateClass.of(post("/messages/send"), body("{\"broadcast\":\"true\"}")));
        assertEquals(RateClass.GENERAL, RateClass.of(post("/messages/send"), body("{\"broadcast\":\"false\"}")));
        assertEquals(RateClass.BROADCAST, RateClass.of(post("/campaigns/trigger/send"), body("{\"segment_id\":\"s\"}")));
        assertEquals(RateClass.BROADCAST, RateClass.of(post("/canvas/trigger/send"), body("{\"audience\":{}}")));
        assertEquals(RateClass.BROADCAST, RateClass.of(post("/messages/schedule/create"), body("{\"broadcast\":true}")));
        assertEquals(RateClass.USERS_IDENTITY, RateClass.of(post("/users/delete"), body("{\"broadcast\":true}")),
                "only messaging calls can be broadcasts");
    }

    @Test
    void usersTrackAndTheTransactionalEndpointHaveTheirOwnClasses() throws Exception {
        assertEquals(RateClass.USERS_TRACK, RateClass.of(post("/users/track"), body("{}")));
        assertEquals(RateClass.TRANSACTIONAL, RateClass.of(post("/transactional/v1/campaigns/{campaign_id}/send"),
                body("{\"broadcast\":true}")));
        assertEquals(RateClass.GENERAL, RateClass.of(Endpoint.get("/herald/v1/dispatches/{dispatch_id}",
                new Access.AnyKey(), call -> new CompletableFuture<>()), Json.object()));
    }

    @Test
    void eachClassTakesItsLimitFromTheWorkspaceConfig() {
        var limits = new LimitsConfig(1000, 5, 30, 7, 11);
        assertEquals(Limit.of(Policy.perHour("hourly", 1000), Policy.perSecond("burst", 5)),
                RateClass.GENERAL.limit(limits));
        assertEquals(Limit.of(new Policy("users_track", 30, Duration.ofSeconds(3))),
                RateClass.USERS_TRACK.limit(limits));
        assertEquals(Limit.of(new Policy("broadcast", 7, Duration.ofMinutes(1))), RateClass.BROADCAST.limit(limits));
        assertEquals(Limit.of(Policy.perSecond("transactional", 11)), RateClass.TRANSACTIONAL.limit(limits));
        assertEquals(Limit.of(new Policy("subscription", 13, Duration.ofMinutes(1))),
                RateClass.SUBSCRIPTION.limit(new LimitsConfig(1000, 5, 30, 7, 11, 13)));
    }

    @Test
    void bothSubscriptionStateWritesShareTheirOwnClassAndTheEmailListsAreGeneral() throws Exception {
        assertEquals(RateClass.SUBSCRIPTION, RateClass.of(post("/subscription/status/set"), body("{}")));
        assertEquals(RateClass.SUBSCRIPTION, RateClass.of(post("/v2/subscription/status/set"), body("{}")));
        assertEquals(RateClass.GENERAL, RateClass.of(post("/email/status"), body("{}")));
        assertEquals(RateClass.GENERAL, RateClass.of(Endpoint.get("/subscription/status/get", new Access.AnyKey(),
                call -> new CompletableFuture<>()), Json.object()));
    }

    @Test
    void theExportTheIdentityWritesAndTheExternalIdMigrationHaveBrazesClasses() throws Exception {
        assertEquals(RateClass.USERS_EXPORT, RateClass.of(post("/users/export/ids"), body("{}")));
        for (String path : new String[] {"/users/delete", "/users/alias/new", "/users/alias/update", "/users/identify",
                "/users/merge"}) {
            assertEquals(RateClass.USERS_IDENTITY, RateClass.of(post(path), body("{}")), path);
        }
        assertEquals(RateClass.EXTERNAL_IDS, RateClass.of(post("/users/external_ids/rename"), body("{}")));
        assertEquals(RateClass.EXTERNAL_IDS, RateClass.of(post("/users/external_ids/remove"), body("{}")));
        var limits = LimitsConfig.defaults();
        assertEquals(Limit.of(new Policy("users_export", 250, Duration.ofMinutes(1))),
                RateClass.USERS_EXPORT.limit(limits));
        assertEquals(Limit.of(new Policy("users_identity", 20_000, Duration.ofMinutes(1))),
                RateClass.USERS_IDENTITY.limit(limits));
        assertEquals(Limit.of(new Policy("external_ids", 1_000, Duration.ofMinutes(1))),
                RateClass.EXTERNAL_IDS.limit(limits));
    }
}
