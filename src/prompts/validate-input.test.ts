import { describe, expect, it } from 'vitest';
import { GatewayError } from '../errors/gateway-error.js';
import { defaultMaxStringLength } from './schema-compiler.js';
import { promptFile, promptVersion } from './test-prompts.js';
import { maxPromptInputBytes, validatePromptInput, validatePromptOutput } from './validate-input.js';

const order = promptVersion(
  promptFile({
    name: 'order',
    input: {
      type: 'object',
      additionalProperties: false,
      required: ['customer', 'size', 'quantity'],
      properties: {
        customer: { type: 'string', minLength: 1, maxLength: 20 },
        size: { type: 'string', enum: ['small', 'large'] },
        quantity: { type: 'integer', minimum: 1 },
        gift: { type: 'boolean', default: false },
        notes: { type: 'string' },
        address: {
          type: 'object',
          required: ['city'],
          properties: { city: { type: 'string' }, lines: { type: 'array', items: { type: 'string' } } },
        },
      },
    },
    messages: [{ role: 'user', content: 'Order for {{customer}}: {{quantity}} {{size}}.' }],
    examples: [],
  }),
);

function rejection(body: unknown): GatewayError {
  try {
    validatePromptInput(order, body);
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected the input to be rejected');
}

describe('validatePromptInput', () => {
  it('returns a copy of the variables with schema defaults filled in', () => {
    const body = { customer: 'Ada', size: 'small', quantity: 2 };
    const variables = validatePromptInput(order, body);
    expect(variables).toEqual({ customer: 'Ada', size: 'small', quantity: 2, gift: false });
    expect(body).not.toHaveProperty('gift');
  });

  it('lists every bad field with its path and problem, the first as param', () => {
    const error = rejection({ customer: 'x'.repeat(21), size: 'medium', quantity: 'two', colour: 'red', address: { lines: [1] } });
    expect(error.status).toBe(400);
    expect(error.code).toBe('invalid_prompt_input');
    expect(error.type).toBe('invalid_request_error');
    expect(error.message).toContain('invalid input for prompt "order" (version 1): ');
    expect(error.message).toContain('colour: is not an allowed property');
    expect(error.message).toContain('customer: must NOT have more than 20 characters');
    expect(error.message).toContain('size: must be one of "small", "large"');
    expect(error.message).toContain('quantity: must be integer');
    expect(error.message).toContain('address.city: is required');
    expect(error.message).toContain('address.lines[0]: must be string');
    expect(error.param).toBe(error.message.split(': ')[1]);
  });

  it('names a missing required field', () => {
    const error = rejection({ size: 'small', quantity: 1 });
    expect(error.message).toMatch(/: customer: is required$/);
    expect(error.param).toBe('customer');
  });

  it('refuses a body that is not a JSON object', () => {
    for (const body of [null, [], 'text', 3]) {
      const error = rejection(body);
      expect(error.message).toBe('the body of prompt "order" (version 1) must be a JSON object of its variables');
      expect(error.code).toBe('invalid_prompt_input');
    }
  });

  it(`caps strings without maxLength at ${defaultMaxStringLength} characters, nested ones too`, () => {
    const base = { customer: 'Ada', size: 'small', quantity: 1 };
    expect(() => validatePromptInput(order, { ...base, notes: 'n'.repeat(defaultMaxStringLength) })).not.toThrow();
    const error = rejection({ ...base, notes: 'n'.repeat(defaultMaxStringLength + 1) });
    expect(error.message).toContain(`notes: must NOT have more than ${defaultMaxStringLength} characters`);
    expect(error.param).toBe('notes');
    const nested = rejection({ ...base, address: { city: 'Paris', lines: ['ok', 'l'.repeat(defaultMaxStringLength + 1)] } });
    expect(nested.param).toBe('address.lines[1]');
  });

  it('counts characters, not UTF-16 units, for maxLength', () => {
    expect(() => validatePromptInput(order, { customer: '😀'.repeat(20), size: 'small', quantity: 1 })).not.toThrow();
  });

  it('keeps an explicit maxLength above the default cap', () => {
    const long = promptVersion(promptFile({ input: { type: 'object', properties: { who: { type: 'string', maxLength: 100_000 } } }, examples: [] }));
    expect(() => validatePromptInput(long, { who: 'w'.repeat(50_000) })).not.toThrow();
  });

  it('caps strings reached through $ref, but never lowers a larger limit set inside anyOf', () => {
    const version = promptVersion(
      promptFile({
        input: {
          type: 'object',
          $defs: { note: { type: 'string' } },
          properties: {
            who: { $ref: '#/$defs/note' },
            either: { anyOf: [{ type: 'string', maxLength: 100_000 }, { type: 'number' }] },
          },
        },
        examples: [],
      }),
    );
    expect(() => validatePromptInput(version, { either: 'e'.repeat(50_000) })).not.toThrow();
    expect(() => validatePromptInput(version, { who: 'w'.repeat(defaultMaxStringLength + 1) })).toThrow(/who: must NOT have more than 32768/);
  });

  it('compiles two prompts whose schemas share an $id', () => {
    const withId = (name: string, maxLength: number) =>
      promptVersion(promptFile({ name, input: { $id: 'https://example.com/greet', type: 'object', properties: { who: { type: 'string', maxLength } } }, examples: [] }));
    const short = withId('short', 2);
    const long = withId('long', 10);
    expect(() => validatePromptInput(short, { who: 'Ada' })).toThrow(GatewayError);
    expect(() => validatePromptInput(long, { who: 'Ada' })).not.toThrow();
  });

  it(`refuses an input over ${maxPromptInputBytes} bytes, naming its largest field`, () => {
    const open = promptVersion(
      promptFile({ input: { type: 'object', properties: { who: { type: 'string', maxLength: 1_000_000 }, extra: { type: 'string' } } }, examples: [] }),
    );
    const tooBig = { who: 'é'.repeat(maxPromptInputBytes / 2), extra: 'x' };
    let error: GatewayError | undefined;
    try {
      validatePromptInput(open, tooBig);
    } catch (caught) {
      error = caught as GatewayError;
    }
    expect(error).toBeInstanceOf(GatewayError);
    expect(error?.status).toBe(400);
    expect(error?.param).toBe('who');
    expect(error?.message).toMatch(new RegExp(`the limit is ${maxPromptInputBytes}; the largest field is who`));
  });
});

describe('validatePromptOutput', () => {
  const json = promptVersion(
    promptFile({
      output: {
        type: 'json',
        schema: {
          type: 'object',
          additionalProperties: false,
          required: ['label', 'score'],
          properties: { label: { enum: ['yes', 'no'] }, score: { type: 'number', minimum: 0, maximum: 1, default: 0.5 } },
        },
      },
      examples: [],
    }),
  );

  it('accepts a matching value and never changes it', () => {
    const value = { label: 'yes', score: 0.2 };
    expect(validatePromptOutput(json, value)).toEqual({ valid: true });
    const partial = { label: 'no' };
    validatePromptOutput(json, partial);
    expect(partial).toEqual({ label: 'no' });
  });

  it('lists every error', () => {
    expect(validatePromptOutput(json, { label: 'maybe', score: 2, extra: true })).toEqual({
      valid: false,
      errors: ['extra: is not an allowed property', 'label: must be one of "yes", "no"', 'score: must be <= 1'],
    });
    expect(validatePromptOutput(json, 'text')).toEqual({ valid: false, errors: ['(root): must be object'] });
  });

  it('accepts any string for a text output', () => {
    const text = promptVersion(promptFile());
    expect(validatePromptOutput(text, 'Hello Ada!')).toEqual({ valid: true });
    expect(validatePromptOutput(text, { not: 'text' })).toEqual({ valid: false, errors: ['(root): must be a string'] });
  });
});
