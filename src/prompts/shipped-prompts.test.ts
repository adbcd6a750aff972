import { describe, expect, it } from 'vitest';
import { sampleFromSchema } from '../../providers/mock/sample-json.js';
import { loadPromptFiles } from './load-prompt-files.js';
import { renderPrompt } from './render-prompt.js';
import { shippedPromptsFolder } from './test-prompts.js';
import { validatePromptInput, validatePromptOutput } from './validate-input.js';

const { versions } = loadPromptFiles(shippedPromptsFolder);
const byName = new Map(versions.map((version) => [version.definition.name, version]));

describe('the shipped prompts', () => {
  it.each(versions.map((version) => [version.definition.name, version] as const))('%s uses the demo model and renders its examples', (_name, version) => {
    expect(version.definition.model).toBe('demo');
    expect(version.definition.description.length).toBeGreaterThan(40);
    for (const example of version.definition.examples) {
      const messages = renderPrompt(version, validatePromptInput(version, example.input));
      expect(messages.map((message) => message.role)).toEqual(version.definition.messages.map((message) => message.role));
      for (const message of messages) expect(message.content).not.toMatch(/\{\{/);
      if (example.output !== undefined) expect(validatePromptOutput(version, example.output)).toEqual({ valid: true });
    }
  });

  it.each(['sentiment', 'extract-contact'])('the mock sampler answers %s with a valid value', (name) => {
    const version = byName.get(name);
    if (version?.definition.output.type !== 'json') throw new Error(`${name} should have a JSON output`);
    const sample = sampleFromSchema(version.definition.output.schema);
    expect(validatePromptOutput(version, sample)).toEqual({ valid: true });
  });

  it('sentiment: label is one of four values, score within 0..1, nothing else', () => {
    const sentiment = byName.get('sentiment')!;
    expect(sampleFromSchema(sentiment.definition.output.type === 'json' ? sentiment.definition.output.schema : {})).toEqual({ label: 'positive', score: 0.5 });
    expect(validatePromptOutput(sentiment, { label: 'angry', score: 1.5 })).toMatchObject({ valid: false, errors: expect.arrayContaining([expect.stringMatching(/^label/), expect.stringMatching(/^score/)]) });
    expect(validatePromptOutput(sentiment, { label: 'mixed', score: 0.4, reason: 'x' })).toEqual({ valid: false, errors: ['reason: is not an allowed property'] });
    expect(() => validatePromptInput(sentiment, { text: '' })).toThrow(/text: must NOT have fewer than 1 characters/);
    expect(() => validatePromptInput(sentiment, { text: 'x'.repeat(5001) })).toThrow(/text: must NOT have more than 5000 characters/);
  });

  it('translate: the target language and formality are inlined, the text is fenced', () => {
    const translate = byName.get('translate')!;
    const variables = validatePromptInput(translate, { text: 'Bonjour', target_language: 'German' });
    expect(variables.formality).toBe('neutral');
    const [system, user] = renderPrompt(translate, variables, { nonce: 'abcdef' });
    expect(system.content).toContain('Translate the user\'s text into German.\nUse a neutral register.');
    expect(user.content).toBe('Translate this text into German:\n<<<variable text abcdef>>>\nBonjour\n<<<end text abcdef>>>');
    expect(() => validatePromptInput(translate, { text: 'x', target_language: 'Klingon' })).toThrow(/target_language: must be one of/);
  });

  it('summarize: max_words defaults to 120 and is limited to 10..500', () => {
    const summarize = byName.get('summarize')!;
    expect(validatePromptInput(summarize, { text: 'Long text.' }).max_words).toBe(120);
    expect(() => validatePromptInput(summarize, { text: 'x', max_words: 5 })).toThrow(/max_words: must be >= 10/);
    expect(() => validatePromptInput(summarize, { text: 'x', max_words: 12.5 })).toThrow(/max_words: must be integer/);
    expect(() => validatePromptInput(summarize, { text: 'x'.repeat(20_001) })).toThrow(/text: must NOT have more than 20000 characters/);
  });

  it('extract-contact: emails must be e-mail addresses and the website a URI', () => {
    const extract = byName.get('extract-contact')!;
    const result = validatePromptOutput(extract, {
      name: 'Ada',
      title: null,
      emails: ['not an email'],
      phones: [],
      company: { name: 'Analytical Engines', website: 'not a uri' },
    });
    expect(result).toMatchObject({ valid: false, errors: expect.arrayContaining(['emails[0]: must match format "email"', 'company.website: must match format "uri"']) });
    expect(validatePromptOutput(extract, { name: null, title: null, emails: [], phones: [], company: null })).toEqual({ valid: true });
  });
});
