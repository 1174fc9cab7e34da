package dev.herald.channel.webhook;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
import org.apache.hc.client5.http.DnsResolver;

/** A resolver with a fixed table, standing in for a DNS server that answers with private addresses. */
record FixedDnsResolver(Map<String, String> table) implements DnsResolver {
    @Override
    public InetAddress[] resolve(String host) throws UnknownHostException {
        String ip = table.get(host);
        if (ip == null) {
            throw new UnknownHostException(host);
        }
        return new InetAddress[] {InetAddress.getByName(ip)};
    }

    @Override
    public String resolveCanonicalHostname(String host) {
        return host;
    }
}
