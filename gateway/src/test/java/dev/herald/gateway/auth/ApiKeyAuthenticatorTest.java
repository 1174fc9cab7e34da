package dev.herald.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.config.ApiKeyConfig;
import dev.herald.config.WorkspaceConfig;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

final class ApiKeyAuthenticatorTest {
    private final ApiKeyAuthenticator auth = new ApiKeyAuthenticator(List.of(
            WorkspaceConfig.of("a", false, List.of(new ApiKeyConfig("k1", ApiKeyAuthenticator.sha256Hex("key-one"),
                    Set.of("messages.send")))),
            WorkspaceConfig.of("b", true, List.of(new ApiKeyConfig("k2", ApiKeyAuthenticator.sha256Hex("key-two"),
                    Set.of("users.track"))))));

    @Test
    void findsTheWorkspaceAndPermissionsOfAKey() {
        var p = auth.authenticate("key-two").orElseThrow();
        assertEquals("b", p.workspaceId());
        assertTrue(p.may("users.track"));
        assertTrue(!p.may("messages.send"));
    }

    @Test
    void refusesUnknownEmptyAndOverlongKeys() {
        assertTrue(auth.authenticate("key-three").isEmpty());
        assertTrue(auth.authenticate("").isEmpty());
        assertTrue(auth.authenticate("x".repeat(5000)).isEmpty());
    }

    @Test
    void hashesAsTheConfigExpects() {
        assertEquals("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
                ApiKeyAuthenticator.sha256Hex("test"));
    }
}
