/**
 * @module config/load-config
 * Reads the YAML configuration, fills in environment variables and validates it. Every problem is
 * collected into one `ConfigError` whose message names each path and what is allowed there, so the
 * operator fixes them all in one go; the CLI prints it and exits non-zero.
 */
import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { configSchema, type TollgateConfig } from '../../schemas/config.js';
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
  return parseConfigText(text, path, environment);
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
  if (!result.success) throw new ConfigError(source, result.error.issues.map(describeIssue));
  return result.data;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.length > 0 ? issue.path.map(String).join('.') : '(root)';
  switch (issue.code) {
    case 'unrecognized_keys':
      return `${path}: unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((key) => `"${key}"`).join(', ')}`;
    default:
      return `${path}: ${issue.message}`;
  }
}
