/**
 * @module prompts/test-prompts
 * Test helpers (not exported from the module): small prompt definitions, temp folders of prompt
 * files, and `PromptVersion`s built straight from a definition.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { promptDefinitionSchema } from '../../schemas/prompt-file.js';
import type { PromptVersion } from './types.js';

export const shippedPromptsFolder = fileURLToPath(new URL('../../prompts', import.meta.url));

/** A valid definition (as written in a file); `overrides` replace top-level fields. */
export function promptFile(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'greet',
    version: 1,
    description: 'Greets someone.',
    model: 'demo',
    input: {
      type: 'object',
      additionalProperties: false,
      required: ['who'],
      properties: { who: { type: 'string', maxLength: 100 } },
    },
    messages: [
      { role: 'system', content: 'You greet people warmly.' },
      { role: 'user', content: 'Greet {{who}}.' },
    ],
    examples: [{ input: { who: 'Ada' } }],
    ...overrides,
  };
}

export function promptVersion(raw: Record<string, unknown>): PromptVersion {
  return { definition: promptDefinitionSchema.parse(raw), source: 'file', deprecatedAt: null, createdAt: 0 };
}

export interface TempFolder {
  path: string;
  write(name: string, content: string | Record<string, unknown>): string;
  remove(name: string): void;
  dispose(): void;
}

export function tempFolder(): TempFolder {
  const path = mkdtempSync(join(tmpdir(), 'tollgate-prompts-'));
  return {
    path,
    write(name, content) {
      const file = join(path, name);
      writeFileSync(file, typeof content === 'string' ? content : stringify(content));
      return file;
    },
    remove(name) {
      rmSync(join(path, name), { force: true });
    },
    dispose() {
      rmSync(path, { recursive: true, force: true });
    },
  };
}
