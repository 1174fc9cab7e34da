/**
 * The iOS push channel: {@link dev.herald.channel.apns.ApnsSender} sends {@link dev.herald.channel.ApplePushMessage}s
 * to APNs with Pushy, one long-lived client per credential, all clients sharing the I/O threads of one
 * {@link dev.herald.channel.apns.ApnsResources}. Payload mapping follows Braze's conventions
 * ({@code ApnsPayloads}); provider answers become {@link dev.herald.channel.SendOutcome}s in {@code ApnsOutcomes}.
 */
@NullMarked
package dev.herald.channel.apns;

import org.jspecify.annotations.NullMarked;
