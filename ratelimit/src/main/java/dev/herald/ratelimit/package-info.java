/**
 * Per-key token-bucket rate limits for Herald's ingress: {@link dev.herald.ratelimit.RateLimiter} decides
 * whether a key (a workspace, an API key…) may spend tokens under a {@link dev.herald.ratelimit.Limit} of one
 * or more greedy bandwidths ({@link dev.herald.ratelimit.Policy}), and answers with a
 * {@link dev.herald.ratelimit.Permit} that carries every bandwidth's remaining tokens for the response headers
 * ({@link dev.herald.ratelimit.RateLimitHeaders}).
 *
 * <p>{@link dev.herald.ratelimit.RateLimiters} builds either local Bucket4j buckets held in a Caffeine cache
 * (one node) or buckets shared by every node in Redis through Bucket4j's Lettuce proxy manager, which fails
 * open to local buckets of limit ÷ nodes while Redis is unreachable. The module is generic in its key type and
 * knows nothing of Netty, HTTP or channels.
 */
@NullMarked
package dev.herald.ratelimit;

import org.jspecify.annotations.NullMarked;
