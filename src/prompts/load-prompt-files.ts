/**
 * @module prompts/load-prompt-files
 * Reads every `*.yaml` / `*.yml` file of a folder (not its subfolders; names starting with a dot,
 * such as editor lock files, are skipped), one prompt version per file. A file that cannot be
 * read, parsed or checked is reported with its path and every problem, and skipped; the others
 * still load. Two files declaring the same name and version are both reported and both skipped:
 * which one was meant cannot be known.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { parseDocument } from 'yaml';
import { checkPromptDefinition, type PromptCheckOptions } from './check-definition.js';
import type { PromptLoadProblem, PromptVersion } from './types.js';

/** Larger files are refused unread: a prompt is a few kilobytes. */
export const maxPromptFileBytes = 1_048_576;

export interface PromptFilesLoad {
  versions: PromptVersion[];
  problems: PromptLoadProblem[];
}

/**
 * @example
 * const { versions, problems } = loadPromptFiles('prompts');
 * for (const problem of problems) console.error(`${problem.path}: ${problem.message}`);
 */
export function loadPromptFiles(folder: string, options: PromptCheckOptions = {}): PromptFilesLoad {
  let paths: string[];
  try {
    paths = promptFilePaths(folder);
  } catch (error) {
    return { versions: [], problems: [{ path: folder, message: `cannot read the folder: ${(error as Error).message}` }] };
  }
  const versions: PromptVersion[] = [];
  const problems: PromptLoadProblem[] = [];
  for (const path of paths) {
    const loaded = loadPromptFile(path, options);
    if ('version' in loaded) versions.push(loaded.version);
    else problems.push({ path, message: loaded.problems.join('; ') });
  }
  return rejectDuplicates(versions, problems);
}

/** One file, checked on its own (duplicates across files are `loadPromptFiles`' concern). */
export function loadPromptFile(path: string, options: PromptCheckOptions = {}): { version: PromptVersion } | { problems: string[] } {
  let text: string;
  let modifiedAt: number;
  try {
    const stats = statSync(path);
    if (!stats.isFile()) return { problems: ['not a regular file'] };
    if (stats.size > maxPromptFileBytes) return { problems: [`the file is ${stats.size} bytes; the limit is ${maxPromptFileBytes}`] };
    modifiedAt = Math.round(stats.mtimeMs);
    text = readFileSync(path, 'utf8');
  } catch (error) {
    return { problems: [`cannot read the file: ${(error as Error).message}`] };
  }
  const document = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  if (document.errors.length > 0) return { problems: document.errors.map((error) => `YAML: ${firstLine(error.message)}`) };
  let raw: unknown;
  try {
    raw = document.toJS();
  } catch (error) {
    // An undefined alias, or aliases expanding too far (the "billion laughs").
    return { problems: [`YAML: ${(error as Error).message}`] };
  }
  const check = checkPromptDefinition(raw, options);
  if (!check.ok) return { problems: check.problems };
  // `deprecated: true` in a file dates the deprecation to the file's last change.
  const deprecatedAt = check.definition.deprecated ? modifiedAt : null;
  return { version: { definition: check.definition, source: 'file', path, deprecatedAt, createdAt: modifiedAt } };
}

function promptFilePaths(folder: string): string[] {
  return readdirSync(folder)
    .filter((name) => !name.startsWith('.') && ['.yaml', '.yml'].includes(extname(name).toLowerCase()))
    .sort()
    .map((name) => join(folder, name));
}

function rejectDuplicates(versions: PromptVersion[], problems: PromptLoadProblem[]): PromptFilesLoad {
  const pathsByKey = new Map<string, string[]>();
  for (const version of versions) {
    const key = versionKey(version);
    pathsByKey.set(key, [...(pathsByKey.get(key) ?? []), version.path ?? '']);
  }
  const unique: PromptVersion[] = [];
  for (const version of versions) {
    const paths = pathsByKey.get(versionKey(version)) ?? [];
    if (paths.length === 1) {
      unique.push(version);
      continue;
    }
    const others = paths.filter((path) => path !== version.path);
    problems.push({
      path: version.path ?? '',
      message: `${versionKey(version)} is also declared by ${others.join(', ')}; neither file is loaded until one changes its name or version`,
    });
  }
  problems.sort((left, right) => left.path.localeCompare(right.path));
  return { versions: unique, problems };
}

function versionKey(version: PromptVersion): string {
  return `${version.definition.name}@${version.definition.version}`;
}

/** yaml's messages add the offending lines after the first; the first says what and where. */
function firstLine(message: string): string {
  return message.split('\n')[0].replace(/:$/, '');
}
