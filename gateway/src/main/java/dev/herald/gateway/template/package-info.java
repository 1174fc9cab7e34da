/**
 * Liquid personalisation in Braze's dialect on Liqp: {@code ${name}} references rewritten before parsing,
 * parsed templates pooled (Liqp's {@code Template} is not thread-safe), iterations, output size and template
 * size bounded, renders timed out on a shared executor, and {@code abort_message} ending a delivery.
 */
@NullMarked
package dev.herald.gateway.template;

import org.jspecify.annotations.NullMarked;
