import { describe, expect, it } from 'vitest';
import { GatewayError } from '../errors/gateway-error.js';
import { maxTags, parseEndUser, parseTagsHeader } from './call-labels.js';

function tagsError(header: string): GatewayError {
  try {
    parseTagsHeader(header);
  } catch (error) {
    return error as GatewayError;
  }
  throw new Error(`accepted ${header}`);
}

describe('parseTagsHeader', () => {
  it('turns key=value pairs into JSON with sorted keys, trimming spaces around them', () => {
    expect(parseTagsHeader('team=search, feature=autocomplete')).toBe('{"feature":"autocomplete","team":"search"}');
    expect(parseTagsHeader('cost-center=R&D'.replace('&', '-'))).toBe('{"cost-center":"R-D"}');
    expect(parseTagsHeader('env=prod,owner=ada@example.com,path=a/b:c')).toBe('{"env":"prod","owner":"ada@example.com","path":"a/b:c"}');
    expect(parseTagsHeader('squad=data science')).toBe('{"squad":"data science"}');
  });

  it('treats an absent or blank header as no tags', () => {
    expect(parseTagsHeader(undefined)).toBeNull();
    expect(parseTagsHeader('  ')).toBeNull();
  });

  it('refuses malformed, duplicate, oversized and too many tags with 400 invalid_tags', () => {
    for (const header of ['team', 'team=', '=search', 'team=search,team=ads', 'te am=x', 'team=a"b', 'team=x\u0001', `k=${'v'.repeat(129)}`, `${'k'.repeat(65)}=v`, 'a=b,,c=d']) {
      const error = tagsError(header);
      expect(error.status, header).toBe(400);
      expect(error.code).toBe('invalid_tags');
      expect(error.param).toBe('x-tollgate-tags');
    }
    const many = Array.from({ length: maxTags + 1 }, (_, index) => `k${index}=v`).join(',');
    expect(tagsError(many).message).toContain('at most 10');
    expect(tagsError(`a=${'b'.repeat(1100)}`).message).toContain('longer than');
  });

  it('never echoes a long or control-character value in full', () => {
    const error = tagsError(`team=${'x'.repeat(100)}\u0000`);
    expect(error.message).not.toContain('\u0000');
    expect(error.message.length).toBeLessThan(300);
  });
});

describe('parseEndUser', () => {
  it('keeps a bounded label and refuses a long or control-character one', () => {
    expect(parseEndUser('user-42', 'user')).toBe('user-42');
    expect(parseEndUser('', 'user')).toBeNull();
    expect(() => parseEndUser('x'.repeat(257), 'user')).toThrow(/at most 256/);
    expect(() => parseEndUser('a\nb', 'x-tollgate-end-user')).toThrow(GatewayError);
  });
});
