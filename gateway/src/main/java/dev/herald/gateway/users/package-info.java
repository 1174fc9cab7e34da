/**
 * The user directory's Braze endpoints: {@code /users/track}, {@code /users/delete}, {@code /users/identify}
 * and {@code /users/alias/new}. Every write is durable before the 201, like a dispatch.
 */
@NullMarked
package dev.herald.gateway.users;

import org.jspecify.annotations.NullMarked;
