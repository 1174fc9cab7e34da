/**
 * Herald's configuration: one YAML file read into immutable, validated records.
 *
 * <p>{@link dev.herald.config.ConfigLoader} parses the file, resolves secret references
 * ({@code ${env:NAME}}, {@code ${file:/path}}) and validates every value. A bad file fails with a
 * {@link dev.herald.config.ConfigException} whose message names the key and, unless it is a secret, the
 * bad value. Each module receives only its slice (for example {@link dev.herald.config.WebhookConfig}),
 * never the whole file. Nothing here depends on Netty or on a provider SDK.
 */
@NullMarked
package dev.herald.config;

import org.jspecify.annotations.NullMarked;
