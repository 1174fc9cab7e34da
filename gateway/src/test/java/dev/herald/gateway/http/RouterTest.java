package dev.herald.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

final class RouterTest {
    private final Router router = new Router(List.of(
            Endpoint.post("/messages/send", new Access.AnyKey(), call -> null),
            Endpoint.get("/herald/v1/dispatches/{dispatch_id}", new Access.AnyKey(), call -> null),
            Endpoint.post("/transactional/v1/campaigns/{campaign_id}/send", new Access.AnyKey(), call -> null)));

    @Test
    void findsEndpointsAndPathParameters() {
        var found = assertInstanceOf(Router.Match.Found.class, router.match("GET", "/herald/v1/dispatches/abc"));
        assertEquals(Map.of("dispatch_id", "abc"), found.params());
        var tx = assertInstanceOf(Router.Match.Found.class,
                router.match("POST", "/transactional/v1/campaigns/pw%20reset/send"));
        assertEquals("pw reset", tx.params().get("campaign_id"));
    }

    @Test
    void distinguishesWrongMethodFromUnknownPath() {
        var wrong = assertInstanceOf(Router.Match.MethodNotAllowed.class, router.match("GET", "/messages/send"));
        assertEquals(List.of("POST"), wrong.allowed());
        assertInstanceOf(Router.Match.NotFound.class, router.match("POST", "/messages/sendx"));
        assertInstanceOf(Router.Match.NotFound.class, router.match("GET", "/herald/v1/dispatches"));
    }
}
