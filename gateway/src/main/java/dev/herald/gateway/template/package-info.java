/**
 * Liquid personalisation in Braze's dialect on Liqp: {@code ${name}} references rewritten before parsing,
 * parsed templates pooled (Liqp's {@code Template} is not thread-safe), nesting, loops, output size (before it is
 * built) and template size bounded, renders stopped when their running time is up, rendering jobs shared fairly
 * between workspaces, and {@code abort_message} ending a delivery.
 */
@NullMarked
package dev.herald.gateway.template;

import org.jspecify.annotations.NullMarked;
