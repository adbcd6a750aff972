import { describe, expect, it } from 'vitest';
import { hasNestedQuantifier } from './nested-quantifiers.js';

describe('hasNestedQuantifier', () => {
  it('finds repetition inside unbounded repetition', () => {
    for (const pattern of ['^(a+)+$', '(a*)*', '^(\\w+\\s?)*$', '(x*){2,}', '(a{1,20}){1,20}', '(?:[a-z]+)+$', '^(a+|b)+$', '^((a+))+$']) {
      expect(hasNestedQuantifier(pattern), pattern).toBe(true);
    }
  });

  it('accepts ordinary patterns', () => {
    for (const pattern of ['^[a-z0-9-]+$', '^\\+?[0-9 ()-]{7,20}$', '^[a-z]+(-[a-z]+)*$', '^([a-z0-9]+\\.)+[a-z]{2,}$', '^(\\d{3})-(\\d{4})$', '^(a|b)?c+$', '[(+*)]+', '\\(a+\\)+', '^(ab){2}$', '((ab)+c)*']) {
      expect(hasNestedQuantifier(pattern), pattern).toBe(false);
    }
  });

});
