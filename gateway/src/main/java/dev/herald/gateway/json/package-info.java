/** JSON for every package: the one Jackson mapper, bounded against hostile input, and small helpers around it. */
@NullMarked
package dev.herald.gateway.json;

import org.jspecify.annotations.NullMarked;
