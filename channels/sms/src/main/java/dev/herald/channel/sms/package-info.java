/**
 * The SMS channel over Twilio: {@link dev.herald.channel.sms.TwilioSmsSender} sends SMS and MMS through the
 * Twilio Java SDK with one REST client per account and exactly one HTTP request per attempt, and
 * {@link dev.herald.channel.sms.TwilioCallbacks} verifies and reads Twilio's status callbacks.
 */
@NullMarked
package dev.herald.channel.sms;

import org.jspecify.annotations.NullMarked;
