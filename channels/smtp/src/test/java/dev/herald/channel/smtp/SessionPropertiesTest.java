package dev.herald.channel.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.herald.config.Secret;
import dev.herald.config.SmtpConfig;
import dev.herald.config.TlsMode;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

final class SessionPropertiesTest {
    private final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);

    @AfterEach
    void stop() {
        scheduler.shutdown();
    }

    private static SmtpConfig config(TlsMode mode, boolean implicitTls, Optional<String> user,
                                     Optional<Secret> password) {
        return new SmtpConfig("smtp.acme.test", 587, mode, implicitTls, user, password, false, 4,
                Duration.ofSeconds(3), Duration.ofSeconds(20));
    }

    @ParameterizedTest(name = "{0} implicitTls={1}")
    @CsvSource(nullValues = "-", textBlock = """
            DISABLED, false, false, -,    -
            OPTIONAL, false, true,  -,    -
            REQUIRED, false, true,  true, -
            REQUIRED, true,  -,     -,    true
            """)
    void choosesTlsPropertiesFromTheMode(TlsMode mode, boolean implicitTls, String starttls, String required,
                                         String ssl) {
        Properties p = SessionProperties.of(config(mode, implicitTls, Optional.empty(), Optional.empty()), scheduler);
        assertEquals(starttls, p.getProperty("mail.smtp.starttls.enable"));
        assertEquals(required, p.getProperty("mail.smtp.starttls.required"));
        assertEquals(ssl, p.getProperty("mail.smtp.ssl.enable"));
    }

    @Test
    void alwaysSetsAllThreeTimeouts() {
        Properties p = SessionProperties.of(config(TlsMode.OPTIONAL, false, Optional.empty(), Optional.empty()),
                scheduler);
        assertEquals("3000", p.getProperty("mail.smtp.connectiontimeout"));
        assertEquals("20000", p.getProperty("mail.smtp.timeout"));
        assertEquals("20000", p.getProperty("mail.smtp.writetimeout"));
        assertSame(scheduler, p.get("mail.smtp.executor.writetimeout"));
    }

    @Test
    void enablesAuthOnlyWithUserAndPasswordAndNeverStoresThePassword() {
        Properties withLogin = SessionProperties.of(config(TlsMode.REQUIRED, false, Optional.of("herald"),
                Optional.of(Secret.of("s3cret"))), scheduler);
        Properties userOnly = SessionProperties.of(config(TlsMode.REQUIRED, false, Optional.of("herald"),
                Optional.empty()), scheduler);

        assertEquals("true", withLogin.getProperty("mail.smtp.auth"));
        assertEquals("herald", withLogin.getProperty("mail.smtp.user"));
        assertFalse(withLogin.values().stream().anyMatch(v -> String.valueOf(v).contains("s3cret")));
        assertEquals("false", userOnly.getProperty("mail.smtp.auth"));
        assertNull(userOnly.getProperty("mail.smtp.password"));
    }
}
