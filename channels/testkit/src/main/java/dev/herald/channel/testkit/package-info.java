/**
 * Test fixtures for senders: {@link dev.herald.channel.testkit.ScriptedSender} answers outcomes from a script
 * and records what it was given; {@link dev.herald.channel.testkit.SenderContract} is the abstract test every
 * adapter extends; {@link dev.herald.channel.testkit.HttpPeer} is a loopback HTTP server standing in for a webhook
 * target or a provider's REST API. Fixtures that are not about channels (a clock tests move, the await helper,
 * {@code redis-server}, provider peers shared with the gateway) are in the general testkit, {@code dev.herald.testkit}.
 */
@NullMarked
package dev.herald.channel.testkit;

import org.jspecify.annotations.NullMarked;
