/**
 * One {@link dev.herald.gateway.binding.ChannelBinding} per channel: everything the gateway knows about a channel
 * in one place (Braze object → spec, the address in a profile, spec + profile → the SPI message, what an outcome
 * does to the directory, the sandbox's simulation and description, the senders). {@link
 * dev.herald.gateway.binding.ChannelBindings} chooses one in an exhaustive switch; the engine never imports an
 * adapter.
 */
@NullMarked
package dev.herald.gateway.binding;

import org.jspecify.annotations.NullMarked;
