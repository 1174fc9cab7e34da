/**
 * Test fixtures for senders: {@link dev.herald.channel.testkit.ScriptedSender} answers outcomes from a script
 * and records what it was given; {@link dev.herald.channel.testkit.SenderContract} is the abstract test every
 * adapter extends. Beside them, peers for tests across modules: {@link dev.herald.channel.testkit.HttpPeer}
 * (a loopback HTTP server), {@link dev.herald.channel.testkit.MutableClock} and
 * {@link dev.herald.channel.testkit.RedisServerProcess} (a throw-away {@code redis-server}).
 */
@NullMarked
package dev.herald.channel.testkit;

import org.jspecify.annotations.NullMarked;
