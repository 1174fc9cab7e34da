/**
 * Test fixtures for every Herald module, with no dependency on any of them: {@link dev.herald.testkit.MutableClock}
 * (a clock tests move by hand), {@link dev.herald.testkit.Eventually} (the one await helper, and the only place a
 * test sleeps), {@link dev.herald.testkit.RedisServerProcess} (a throw-away {@code redis-server}),
 * {@link dev.herald.testkit.Directories} (deleting their directories), and loopback
 * stand-ins for the providers whose adapters and gateway tests both talk to them:
 * {@link dev.herald.testkit.ApnsPeer} (Pushy's mock APNs server, with {@link dev.herald.testkit.TestCertificates})
 * and {@link dev.herald.testkit.TwilioPeer} (Twilio's Messages API). Fixtures about senders live in the channel
 * testkit ({@code dev.herald.channel.testkit}).
 */
@NullMarked
package dev.herald.testkit;

import org.jspecify.annotations.NullMarked;
