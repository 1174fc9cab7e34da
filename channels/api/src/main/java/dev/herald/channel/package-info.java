/**
 * The channel SPI: what every provider adapter implements and what the gateway's scheduler calls.
 *
 * <p>A {@link dev.herald.channel.Sender} takes one {@link dev.herald.channel.OutboundMessage} (one record per
 * channel) and answers a {@link dev.herald.channel.SendOutcome}. Senders never retry and never block their
 * caller: the scheduler owns time, persistence and retries. This package depends on the JDK only.
 */
@NullMarked
package dev.herald.channel;

import org.jspecify.annotations.NullMarked;
