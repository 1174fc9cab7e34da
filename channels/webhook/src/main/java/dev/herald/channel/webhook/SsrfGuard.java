package dev.herald.channel.webhook;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * Decides which addresses a webhook may connect to. With private networks disallowed (the default) it
 * refuses loopback, RFC 1918 private, link-local (which holds the cloud metadata address 169.254.169.254),
 * carrier-grade NAT (100.64/10), IPv6 unique-local and link-local, unspecified, multicast and reserved
 * ranges, also when an IPv4 address hides inside an IPv6 one (mapped, compatible, NAT64, 6to4).
 */
public final class SsrfGuard {
    private final boolean allowPrivateNetworks;

    /** A guard; {@code allowPrivateNetworks} turns it off (tests and trusted deployments only). */
    public SsrfGuard(boolean allowPrivateNetworks) {
        this.allowPrivateNetworks = allowPrivateNetworks;
    }

    /** Whether the guard lets every address through. */
    public boolean allowsPrivateNetworks() {
        return allowPrivateNetworks;
    }

    /** Why {@code address} is refused, or empty when a webhook may connect to it. */
    public Optional<String> refusal(InetAddress address) {
        if (allowPrivateNetworks) {
            return Optional.empty();
        }
        return classify(address).map(kind -> address.getHostAddress() + " is a " + kind + " address");
    }

    static Optional<String> classify(InetAddress address) {
        if (address instanceof Inet6Address v6) {
            return classify6(v6);
        }
        return classify4(address.getAddress());
    }

    private static Optional<String> classify4(byte[] a) {
        int b0 = a[0] & 0xff;
        int b1 = a[1] & 0xff;
        int b2 = a[2] & 0xff;
        if (b0 == 0) {
            return Optional.of("unspecified (0.0.0.0/8)");
        }
        if (b0 == 127) {
            return Optional.of("loopback");
        }
        if (b0 == 10 || (b0 == 172 && (b1 & 0xf0) == 16) || (b0 == 192 && b1 == 168)) {
            return Optional.of("private");
        }
        if (b0 == 169 && b1 == 254) {
            return Optional.of("link-local (cloud metadata)");
        }
        if (b0 == 100 && (b1 & 0xc0) == 64) {
            return Optional.of("carrier-grade NAT (100.64.0.0/10)");
        }
        if (b0 == 192 && b1 == 0 && b2 == 0) {
            return Optional.of("reserved (192.0.0.0/24)");
        }
        if (b0 == 198 && (b1 & 0xfe) == 18) {
            return Optional.of("reserved (198.18.0.0/15)");
        }
        if (b0 >= 224) {
            return Optional.of(b0 < 240 ? "multicast" : "reserved (240.0.0.0/4)");
        }
        return Optional.empty();
    }

    private static Optional<String> classify6(Inet6Address v6) {
        byte[] a = v6.getAddress();
        if (v6.isAnyLocalAddress()) {
            return Optional.of("unspecified");
        }
        if (v6.isLoopbackAddress()) {
            return Optional.of("loopback");
        }
        if (v6.isLinkLocalAddress()) {
            return Optional.of("link-local");
        }
        if (v6.isSiteLocalAddress()) {
            return Optional.of("site-local");
        }
        if ((a[0] & 0xfe) == 0xfc) {
            return Optional.of("unique-local (fc00::/7)");
        }
        if (v6.isMulticastAddress()) {
            return Optional.of("multicast");
        }
        Optional<byte[]> embedded = embeddedIpv4(a);
        if (embedded.isPresent()) {
            return classify4(embedded.get()).map(kind -> kind + " (IPv4 inside IPv6)");
        }
        return Optional.empty();
    }

    /** The IPv4 address carried by a mapped, compatible, NAT64 (64:ff9b::/96) or 6to4 (2002::/16) address. */
    private static Optional<byte[]> embeddedIpv4(byte[] a) {
        boolean firstTenZero = true;
        for (int i = 0; i < 10; i++) {
            firstTenZero &= a[i] == 0;
        }
        boolean mapped = firstTenZero && (a[10] & 0xff) == 0xff && (a[11] & 0xff) == 0xff;
        boolean compatible = firstTenZero && a[10] == 0 && a[11] == 0;
        boolean nat64 = (a[0] & 0xff) == 0x00 && (a[1] & 0xff) == 0x64 && (a[2] & 0xff) == 0xff
                && (a[3] & 0xff) == 0x9b;
        if (mapped || compatible || nat64) {
            return Optional.of(new byte[] {a[12], a[13], a[14], a[15]});
        }
        if ((a[0] & 0xff) == 0x20 && (a[1] & 0xff) == 0x02) {
            return Optional.of(new byte[] {a[2], a[3], a[4], a[5]});
        }
        return Optional.empty();
    }

    /** Parses a literal IPv4 or IPv6 address without any DNS lookup, or empty for a host name. */
    static Optional<InetAddress> literal(String host) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        boolean v4 = h.matches("[0-9.]+") && h.chars().filter(c -> c == '.').count() == 3;
        boolean v6 = h.indexOf(':') >= 0;
        if (!v4 && !v6) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(h));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    /** Convenience for tests and the resolver: an address of the IPv4 form. */
    static boolean isIpv4(InetAddress a) {
        return a instanceof Inet4Address;
    }
}
