/**
 * @module prompts/placeholders
 * The template syntax: `{{name}}` (spaces inside the braces allowed) and nothing else. A name is a
 * letter or underscore followed by letters, digits, underscores or dashes, and must be a property
 * of the prompt's `input` schema. Anything else between `{{` and `}}` (`{{#each}}`, `{{a.b}}`) is
 * not supported: the loader reports it rather than sending it to the model as literal text.
 */

/** A placeholder, capturing its variable name. Global: reset `lastIndex` or use `replace`/`matchAll`. */
export const placeholderPattern = /\{\{\s*([A-Za-z_][A-Za-z0-9_-]*)\s*\}\}/g;

/** Anything that looks like a template tag, valid or not. */
const tagPattern = /\{\{([^{}]*)\}\}/g;
const validTag = /^\s*[A-Za-z_][A-Za-z0-9_-]*\s*$/;

/**
 * The variable names a template refers to, each once, in order of first appearance.
 *
 * @example
 * placeholdersOf('Translate {{ text }} into {{target_language}}.'); // ['text', 'target_language']
 */
export function placeholdersOf(template: string): string[] {
  const names = new Set<string>();
  for (const match of template.matchAll(placeholderPattern)) names.add(match[1]);
  return [...names];
}

/** Template tags that are not `{{name}}` placeholders, as written (e.g. `{{#each items}}`). */
export function unsupportedTagsOf(template: string): string[] {
  const tags: string[] = [];
  for (const match of template.matchAll(tagPattern)) {
    if (!validTag.test(match[1])) tags.push(match[0]);
  }
  return tags;
}
