/**
 * The Braze-compatible messaging endpoints and Herald's own: one class per endpoint, each validating its body
 * into the typed model and storing the dispatch durably before it answers.
 */
@NullMarked
package dev.herald.gateway.api;

import org.jspecify.annotations.NullMarked;
