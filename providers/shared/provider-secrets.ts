/**
 * @module providers/shared/provider-secrets
 * Everything secret in a provider's configuration, registered with the logger's redaction (which
 * also cleans every upstream error message before a client sees it): the API key, and also the
 * values of configured `headers` (a proxy's `x-api-key`, an `Authorization` set by hand, a
 * tenant token), credentials written into `baseURL` (`https://user:pass@host`, `?key=...`).
 * An upstream that echoes a request back — in an error, a redirect — must not hand any of them
 * to a client or a log.
 *
 * Header values are all treated as secrets except for headers known to carry public settings
 * (versions, feature flags, content negotiation), whose values would otherwise be blanked out of
 * every log line that mentions, say, a date-shaped API version.
 */
import { registerSecret } from '../../src/logging/logger.js';

const publicHeaders = new Set([
  'anthropic-version',
  'anthropic-beta',
  'openai-beta',
  'content-type',
  'accept',
  'accept-encoding',
  'user-agent',
  'x-title',
  'http-referer',
  'referer',
]);

interface SecretBearingConfig {
  apiKey?: string;
  headers?: Record<string, string>;
  baseURL?: string;
}

export function providerSecrets(config: SecretBearingConfig): string[] {
  const secrets: string[] = [];
  if (config.apiKey) secrets.push(config.apiKey);
  for (const [name, value] of Object.entries(config.headers ?? {})) {
    if (publicHeaders.has(name.toLowerCase())) continue;
    secrets.push(value);
    // `Bearer <token>`, `Basic <credentials>`: an upstream may echo the token alone.
    const scheme = /^[A-Za-z-]+\s+(\S+)$/.exec(value.trim());
    if (scheme) secrets.push(scheme[1]!);
  }
  if (config.baseURL) secrets.push(...urlSecrets(config.baseURL));
  // The forms an echo may take: URL-encoded (in a query string or a Location header) and JSON-escaped.
  return [...new Set(secrets.flatMap((secret) => [secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)]))];
}

export function registerProviderSecrets(config: SecretBearingConfig): void {
  for (const secret of providerSecrets(config)) registerSecret(secret);
}

function urlSecrets(baseURL: string): string[] {
  let url: URL;
  try {
    url = new URL(baseURL);
  } catch {
    return [];
  }
  const secrets = [url.password, decodeURIComponent(url.password), url.username, decodeURIComponent(url.username)];
  for (const value of url.searchParams.values()) secrets.push(value);
  return secrets.filter((secret) => secret !== '');
}
