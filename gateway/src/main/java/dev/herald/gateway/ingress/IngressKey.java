package dev.herald.gateway.ingress;

import java.util.Objects;

/**
 * One ingress bucket: a workspace's requests of one {@link RateClass}.
 *
 * @param workspace the workspace id
 * @param rateClass the class
 */
public record IngressKey(String workspace, RateClass rateClass) {
    public IngressKey {
        Objects.requireNonNull(workspace, "workspace");
        Objects.requireNonNull(rateClass, "rateClass");
    }

    /** {@code workspace:class}: the bucket's name in Redis (after the limiter's key prefix). */
    @Override
    public String toString() {
        return workspace + ":" + rateClass.wireName();
    }
}
