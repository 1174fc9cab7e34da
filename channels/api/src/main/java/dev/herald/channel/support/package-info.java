/**
 * Small helpers the channel modules share; not part of the SPI the gateway calls. Depends on the JDK only.
 */
@NullMarked
package dev.herald.channel.support;

import org.jspecify.annotations.NullMarked;
