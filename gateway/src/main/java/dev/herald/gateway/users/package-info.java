/**
 * The user directory's Braze endpoints: {@code /users/track}, {@code /users/delete}, {@code /users/identify},
 * {@code /users/alias/new} and {@code /users/alias/update}, {@code /users/merge}, the external id migration
 * ({@code /users/external_ids/rename} and {@code /remove}) and {@code /users/export/ids}. Every write is durable
 * before its 2xx, like a dispatch.
 */
@NullMarked
package dev.herald.gateway.users;

import org.jspecify.annotations.NullMarked;
