/**
 * Braze's address-list and subscription endpoints: email state by address ({@code /email/status}, the unsubscribe
 * and hard-bounce lists, {@code /email/bounce/remove}, {@code /email/spam/remove}, {@code /email/blocklist}),
 * subscription groups ({@code /subscription/...}, {@code /v2/subscription/status/set}) and the invalid phone number
 * list ({@code /sms/invalid_phone_numbers}). Every request is validated whole before anything is written, and every
 * write is durable before the 201.
 */
@NullMarked
package dev.herald.gateway.subscriptions;

import org.jspecify.annotations.NullMarked;
