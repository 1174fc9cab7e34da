/**
 * Test fixtures for senders: {@link dev.herald.channel.testkit.ScriptedSender} answers outcomes from a script
 * and records what it was given; {@link dev.herald.channel.testkit.SenderContract} is the abstract test every
 * adapter extends.
 */
@NullMarked
package dev.herald.channel.testkit;

import org.jspecify.annotations.NullMarked;
