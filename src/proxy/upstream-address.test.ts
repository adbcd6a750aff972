import { describe, expect, it } from 'vitest';
import { targetAddress, upstreamAddress } from './upstream-address.js';

/** What `undici.request(url + path)` sends: its origin, and the pathname with the query. */
function parsedByUndici(full: string): { origin: string; path: string } {
  const url = new URL(full);
  return { origin: url.origin, path: url.search ? `${url.pathname}${url.search}` : url.pathname };
}

describe('upstreamAddress', () => {
  it('splits a normalised target once and joins plain paths as they are', () => {
    expect(targetAddress('http://10.0.0.5:8080')).toEqual({ origin: 'http://10.0.0.5:8080', base: '' });
    expect(targetAddress('https://billing.internal/api/v2')).toEqual({ origin: 'https://billing.internal', base: '/api/v2' });
    expect(upstreamAddress('https://billing.internal/api/v2', targetAddress('https://billing.internal/api/v2'), '/invoices/42?page=2&x=a,b')).toEqual({
      origin: 'https://billing.internal',
      path: '/api/v2/invoices/42?page=2&x=a,b',
    });
  });

  it('leaves a target it cannot trust to the parser', () => {
    expect(targetAddress('http://Billing.internal')).toBeUndefined();
    expect(targetAddress('http://billing.internal:80')).toBeUndefined();
    expect(targetAddress('http://user:pw@billing.internal')).toBeUndefined();
    expect(targetAddress('not a url')).toBeUndefined();
    expect(upstreamAddress('http://Billing.internal:80/x', undefined, '/a/../b?')).toEqual({ origin: 'http://billing.internal', path: '/x/b' });
  });

  it('gives what parsing the joined URL gives, for awkward paths and queries', () => {
    const targets = ['http://127.0.0.1:9000', 'http://svc.local/base', 'https://svc.local/a/b', 'http://SVC.local:80/up'];
    const paths = [
      '/',
      '//double',
      '/a/./b',
      '/a/../b',
      '/a/%2e%2E/b',
      '/a/.%2e',
      '/.well-known/x',
      '/x?',
      '/x?a=1?b',
      "/it's?q='quoted'",
      '/sp ace?q=a b',
      '/a%zz?b=%zz',
      '/caf\u00e9?q=\u00e9',
      '/x#frag',
      '/x?y#frag',
      '/back\\slash',
      '/t\tab',
      '/x?a=[1]&b={2}|^`',
      '/<tag>?"q"',
      '/;x=1/:@!$&()*+,=~',
    ];
    for (const url of targets) {
      for (const path of paths) {
        expect(upstreamAddress(url, targetAddress(url), path), `${url} + ${path}`).toEqual(parsedByUndici(`${url}${path}`));
      }
    }
  });

  it('agrees with the parser on random paths', () => {
    const alphabet = "abcXYZ019-._~!$&'()*+,;=:@/%?#. \\\"<>[]{}|^`\u00e9\t2eE";
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const url = 'http://svc.local/base';
    const address = targetAddress(url);
    for (let i = 0; i < 5000; i++) {
      let path = '/';
      const length = Math.floor(random() * 12);
      for (let j = 0; j < length; j++) path += alphabet[Math.floor(random() * alphabet.length)];
      expect(upstreamAddress(url, address, path), path).toEqual(parsedByUndici(`${url}${path}`));
    }
  });
});
