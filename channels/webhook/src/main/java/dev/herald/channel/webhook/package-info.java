/**
 * The webhook channel: {@link dev.herald.channel.webhook.WebhookSender} sends HTTP requests with Apache
 * HttpClient 5 (async), resolving host names through {@link dev.herald.channel.webhook.SsrfGuard} so a
 * tenant cannot aim Herald at loopback, private or metadata addresses, including by DNS rebinding.
 */
@NullMarked
package dev.herald.channel.webhook;

import org.jspecify.annotations.NullMarked;
