/**
 * Herald's composition root: {@link dev.herald.gateway.Herald} wires the store, senders, scheduler and HTTP
 * listeners from a {@link dev.herald.config.HeraldConfig}; {@link dev.herald.gateway.HeraldMain} is the
 * command line.
 */
@NullMarked
package dev.herald.gateway;

import org.jspecify.annotations.NullMarked;
