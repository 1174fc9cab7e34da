/**
 * The typed model of what Herald accepted: a {@link dev.herald.gateway.model.DispatchSpec} with one
 * {@link dev.herald.gateway.model.MessageSpec} per channel, its recipients, audience and properties, as immutable
 * records parsed once at ingress and persisted with Jackson data binding ({@link
 * dev.herald.gateway.model.SpecCodec}, versioned). Beside it the states and lanes every layer shares.
 */
@NullMarked
package dev.herald.gateway.model;

import org.jspecify.annotations.NullMarked;
