/**
 * The operator console: its static page, served on the ops port from inside the jar, and the admin JSON endpoints
 * only it needs (overview, egress health, message lookup, the running configuration, CSV exports), all permission
 * {@code herald.admin} and scoped to the caller's workspace.
 */
@NullMarked
package dev.herald.gateway.console;

import org.jspecify.annotations.NullMarked;
