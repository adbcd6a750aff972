/**
 * @module quotas/redis-url
 * A Redis URL as it may appear in a log or a health answer: without its password (or user name).
 */
export function displayRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    const hadCredentials = parsed.username !== '' || parsed.password !== '';
    parsed.username = '';
    parsed.password = '';
    return hadCredentials ? `${parsed.toString()} (credentials hidden)` : parsed.toString();
  } catch {
    return 'the configured redis.url (unparsable, not shown)';
  }
}

/** The password in a Redis URL, to register with the log redactor. */
export function redisPassword(url: string): string | undefined {
  try {
    return decodeURIComponent(new URL(url).password) || undefined;
  } catch {
    return undefined;
  }
}
