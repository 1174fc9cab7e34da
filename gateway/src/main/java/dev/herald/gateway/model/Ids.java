package dev.herald.gateway.model;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/** Identifier generation: dispatch ids as Braze shapes them, delivery ids as time-ordered UUIDs. */
public final class Ids {
    /**
     * DRBGs: unguessable like the default, without a read of /dev/urandom per id. The ingress threads (few,
     * long-lived) have their own, so they share no lock; any other thread, e.g. a virtual one, uses the shared one.
     */
    private static final ThreadLocal<SecureRandom> PER_THREAD = ThreadLocal.withInitial(Ids::drbg);
    private static final SecureRandom SHARED = drbg();
    private static final HexFormat HEX = HexFormat.of();

    private Ids() {
    }

    /**
     * A dispatch id: 32 lower-case hex characters, the shape Braze returns. The first 12 are the creation
     * time in milliseconds, so new dispatches append to the journal's indexes instead of touching random
     * pages; the other 20 are random (80 bits), so ids stay unguessable.
     */
    public static String dispatchId(Clock clock) {
        byte[] b = new byte[10];
        (Thread.currentThread().isVirtual() ? SHARED : PER_THREAD.get()).nextBytes(b);
        return HEX.toHexDigits(clock.millis() & 0xffffffffffffL).substring(4) + HEX.formatHex(b);
    }

    private static SecureRandom drbg() {
        try {
            return SecureRandom.getInstance("DRBG");
        } catch (java.security.NoSuchAlgorithmException e) {
            return new SecureRandom();
        }
    }

    /**
     * A delivery id: a version-7 UUID (RFC 9562), millisecond time first, so ids created together sit
     * together in the journal's index.
     */
    public static UUID deliveryId(Clock clock) {
        long millis = clock.millis();
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long msb = (millis << 16) | 0x7000L | (r.nextLong() & 0x0fffL);
        long lsb = (r.nextLong() & 0x3fffffffffffffffL) | 0x8000000000000000L;
        return new UUID(msb, lsb);
    }
}
