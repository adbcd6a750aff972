/**
 * @module config/load-config
 * Reads the YAML configuration, fills in environment variables and validates it. Every problem is
 * collected into one `ConfigError` whose message names each path and what is allowed there, so the
 * operator fixes them all in one go; the CLI prints it and exits non-zero. Relative paths in a file
 * are taken relative to the file's folder (`resolve-paths.ts`).
 */
import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { configSchema, type TollgateConfig } from '../../schemas/config.js';
import { describeZodIssues, formatProblemLines } from '../errors/zod-issues.js';
import { referenceProblems } from './check-references.js';
import { resolveConfigPaths } from './resolve-paths.js';
import { interpolateEnv, type MissingVariable } from './interpolate-env.js';

export class ConfigError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`invalid configuration in ${source}:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfigFile(path: string, environment: NodeJS.ProcessEnv = process.env): TollgateConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(path, [`cannot read the file: ${(error as Error).message}`]);
  }
  return resolveConfigPaths(parseConfigText(text, path, environment), path);
}

export function parseConfigText(text: string, source: string, environment: NodeJS.ProcessEnv = process.env): TollgateConfig {
  const document = parseDocument(text, { uniqueKeys: true });
  if (document.errors.length > 0) {
    throw new ConfigError(source, document.errors.map((error) => `YAML: ${error.message}`));
  }
  const missing: MissingVariable[] = [];
  const interpolated = interpolateEnv(document.toJS() ?? {}, environment, missing);
  if (missing.length > 0) {
    throw new ConfigError(
      source,
      missing.map(({ name, path }) => `${path}: environment variable ${name} is not set`),
    );
  }
  return validateConfig(interpolated, source);
}

export function validateConfig(raw: unknown, source = 'configuration'): TollgateConfig {
  const result = configSchema.safeParse(raw);
  const problems = result.success ? [] : formatProblemLines(describeZodIssues(result.error.issues, raw, configSchema));
  // Cross-references are checked on the raw document even when its shape is wrong, so one run lists everything.
  problems.push(...referenceProblems(raw));
  if (problems.length > 0 || !result.success) throw new ConfigError(source, problems);
  return result.data;
}
