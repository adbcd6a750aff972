/**
 * @module config/interpolate-env
 * Replaces `${VAR}` (and `${VAR:-fallback}`) inside every string of a parsed YAML document.
 * Interpolating after parsing, not in the raw text, means a value with a colon or a quote in it
 * can never change the document's structure. `$${` escapes a literal `${`.
 */
const placeholder = /\$(\$?)\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

export interface MissingVariable {
  name: string;
  path: string;
}

export function interpolateEnv(
  value: unknown,
  environment: NodeJS.ProcessEnv,
  missing: MissingVariable[] = [],
  path = '',
): unknown {
  if (typeof value === 'string') {
    return value.replace(placeholder, (whole, escape: string, name: string, fallback: string | undefined) => {
      if (escape) return whole.slice(1);
      const found = environment[name];
      if (found !== undefined && found !== '') return found;
      if (fallback !== undefined) return fallback;
      missing.push({ name, path: path || '(root)' });
      return '';
    });
  }
  if (Array.isArray(value)) {
    return value.map((item, index) => interpolateEnv(item, environment, missing, `${path}[${index}]`));
  }
  if (value !== null && typeof value === 'object') {
    const result: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      result[key] = interpolateEnv(item, environment, missing, path ? `${path}.${key}` : key);
    }
    return result;
  }
  return value;
}
