/**
 * The Braze-compatible API: routing, the request pipeline (auth → bounded decode → classify → permission →
 * limit → validate → store) and one class per endpoint. Validation errors use Braze's messages.
 */
@NullMarked
package dev.herald.gateway.api;

import org.jspecify.annotations.NullMarked;
