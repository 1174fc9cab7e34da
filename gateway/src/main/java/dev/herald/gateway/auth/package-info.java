/** API-key authentication: keys are configured as SHA-256 hashes and compared in constant time. */
@NullMarked
package dev.herald.gateway.auth;

import org.jspecify.annotations.NullMarked;
