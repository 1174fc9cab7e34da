/**
 * The Braze request schema: request bodies validated, with Braze's error messages, into the typed records Herald
 * keeps. Nothing after ingress reads a Braze JSON tree again.
 */
@NullMarked
package dev.herald.gateway.braze;

import org.jspecify.annotations.NullMarked;
