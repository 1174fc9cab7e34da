/**
 * The configuration in force: one consistent snapshot (workspaces, API keys, compiled campaigns and Canvases)
 * that a reload swaps whole.
 */
@NullMarked
package dev.herald.gateway.live;

import org.jspecify.annotations.NullMarked;
