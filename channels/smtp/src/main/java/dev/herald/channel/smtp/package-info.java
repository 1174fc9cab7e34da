/**
 * The email channel: {@link dev.herald.channel.smtp.SmtpSender} builds MIME messages with Jakarta Mail and
 * hands them to one SMTP relay over a small pool of reused Eclipse Angus transports, mapping every reply
 * code to a {@link dev.herald.channel.SendOutcome}.
 */
@NullMarked
package dev.herald.channel.smtp;

import org.jspecify.annotations.NullMarked;
