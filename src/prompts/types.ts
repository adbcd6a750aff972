/**
 * @module prompts/types
 * Published prompt versions, as the rest of the gateway sees them, whatever their source (a file
 * in `prompts/`, or `POST /admin/prompts` stored in the database).
 */
import type { PromptDefinition } from '../../schemas/prompt-file.js';

export interface PromptVersion {
  definition: PromptDefinition;
  source: 'file' | 'api';
  /** For file prompts, the file it came from. */
  path?: string;
  /** Epoch ms; null while the version is current. A deprecated version still answers. */
  deprecatedAt: number | null;
  createdAt: number;
}

export interface PromptLoadProblem {
  path: string;
  message: string;
}

export interface PromptCatalog {
  /** The highest version that is not deprecated (else the highest version). */
  latest(name: string): PromptVersion | undefined;
  version(name: string, version: number): PromptVersion | undefined;
  /** Every version of a prompt, oldest first. */
  versions(name: string): PromptVersion[];
  names(): string[];
}
