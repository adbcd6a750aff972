import { describe, expect, it } from 'vitest';
import { redactSecrets } from '../../src/logging/logger.js';
import { providerSecrets, registerProviderSecrets } from './provider-secrets.js';

describe('providerSecrets', () => {
  it('finds the key, secret header values (and their bare tokens), and credentials in the base URL', () => {
    const secrets = providerSecrets({
      apiKey: 'sk-live-key-123456',
      headers: { 'X-Proxy-Token': 'proxy token/with=odd&chars', Authorization: 'Bearer tok-abcdef123456', 'anthropic-version': '2023-06-01' },
      baseURL: 'https://gateway-user:p%40ss-word-99@proxy.example/v1?key=AIzaQueryKey123&team=search',
    });
    for (const secret of ['sk-live-key-123456', 'proxy token/with=odd&chars', encodeURIComponent('proxy token/with=odd&chars'), 'Bearer tok-abcdef123456', 'tok-abcdef123456', 'p@ss-word-99', 'gateway-user', 'AIzaQueryKey123', 'search']) {
      expect(secrets, secret).toContain(secret);
    }
    // Public settings are not secrets: blanking them would wreck every log line that mentions them.
    expect(secrets).not.toContain('2023-06-01');
  });

  it('makes the logger redact them wherever they appear', () => {
    registerProviderSecrets({ headers: { 'x-api-key': 'hdr-secret-value-42' }, baseURL: 'https://u:pw-in-url-77@host.example' });
    const echoed = 'upstream said: bad key hdr-secret-value-42 for https://u:pw-in-url-77@host.example and hdr-secret-value-42';
    expect(redactSecrets(echoed)).toBe('upstream said: bad key [redacted] for https://u:[redacted]@host.example and [redacted]');
  });
});
