package dev.herald.channel.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

final class SsrfGuardTest {
    private final SsrfGuard guard = new SsrfGuard(false);

    @ParameterizedTest
    @CsvSource({
            "127.0.0.1, loopback", "127.9.9.9, loopback", "::1, loopback",
            "10.0.0.1, private", "172.16.5.4, private", "172.31.255.255, private", "192.168.1.1, private",
            "169.254.169.254, link-local", "fe80::1, link-local",
            "100.64.0.1, carrier-grade NAT", "100.127.255.254, carrier-grade NAT",
            "fd00:ec2::254, unique-local", "fc00::1, unique-local",
            "0.0.0.0, unspecified", "::, unspecified",
            "::ffff:10.0.0.1, private", "::ffff:169.254.169.254, link-local", "::127.0.0.1, loopback",
            "64:ff9b::a00:1, private", "2002:7f00:1::, loopback",
            "224.0.0.1, multicast", "ff02::1, multicast", "255.255.255.255, reserved", "192.0.0.192, reserved"})
    void refusesEachPrivateFamily(String ip, String kind) throws Exception {
        var refusal = guard.refusal(InetAddress.getByName(ip));
        assertTrue(refusal.isPresent(), ip + " must be refused");
        assertTrue(refusal.get().contains(kind), refusal.get());
    }

    @ParameterizedTest
    @ValueSource(strings = {"8.8.8.8", "1.1.1.1", "172.32.0.1", "100.128.0.1", "2606:4700:4700::1111", "93.184.216.34"})
    void allowsPublicAddresses(String ip) throws Exception {
        assertEquals(java.util.Optional.empty(), guard.refusal(InetAddress.getByName(ip)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "10.0.0.1", "::1"})
    void allowsEverythingWhenPrivateNetworksAreAllowed(String ip) throws Exception {
        assertTrue(new SsrfGuard(true).refusal(InetAddress.getByName(ip)).isEmpty());
    }
}
