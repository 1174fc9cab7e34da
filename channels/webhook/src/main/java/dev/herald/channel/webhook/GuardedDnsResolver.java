package dev.herald.channel.webhook;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.SystemDefaultDnsResolver;

/**
 * Resolves webhook hosts and drops every address the {@link SsrfGuard} refuses. Because the check runs
 * on the addresses the connection will actually use, a host that answers DNS with a public address at
 * validation time and a private one at connect time (DNS rebinding) is still refused.
 */
final class GuardedDnsResolver implements DnsResolver {
    private final SsrfGuard guard;
    private final DnsResolver delegate;

    GuardedDnsResolver(SsrfGuard guard) {
        this(guard, SystemDefaultDnsResolver.INSTANCE);
    }

    GuardedDnsResolver(SsrfGuard guard, DnsResolver delegate) {
        this.guard = guard;
        this.delegate = delegate;
    }

    @Override
    public InetAddress[] resolve(String host) throws UnknownHostException {
        InetAddress[] all = delegate.resolve(host);
        List<InetAddress> allowed = new ArrayList<>(all.length);
        String firstRefusal = null;
        for (InetAddress address : all) {
            Optional<String> refusal = guard.refusal(address);
            if (refusal.isEmpty()) {
                allowed.add(address);
            } else if (firstRefusal == null) {
                firstRefusal = refusal.get();
            }
        }
        if (allowed.isEmpty()) {
            throw new BlockedAddressException("webhook host " + host + " is not allowed: " + firstRefusal
                    + " (set webhook.allow_private_networks to permit private targets)");
        }
        return allowed.toArray(InetAddress[]::new);
    }

    @Override
    public String resolveCanonicalHostname(String host) throws UnknownHostException {
        return delegate.resolveCanonicalHostname(host);
    }
}
