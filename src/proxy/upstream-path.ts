/**
 * @module proxy/upstream-path
 * Which path a proxied request reaches on the target: the mount removed (`stripPrefix`), or the
 * first matching `rewrite` rule applied to the path after the mount, or the path as it came.
 * The query string is forwarded untouched.
 */
export interface PathRules {
  mount: string;
  stripPrefix: boolean;
  /** Compiled in configuration order; the first match wins. */
  rewrite: Array<{ pattern: RegExp; replacement: string }>;
}

export function compileRewrite(rewrite: Record<string, string> | undefined): PathRules['rewrite'] {
  return Object.entries(rewrite ?? {}).map(([pattern, replacement]) => ({ pattern: new RegExp(pattern), replacement }));
}

/** `path` is the request's path (starting with the mount), `search` its `?query` or ''. */
export function upstreamPath(rules: PathRules, path: string, search: string): string {
  const rest = path.slice(rules.mount.length) || '/';
  let forwarded = rules.stripPrefix ? rest : path;
  for (const { pattern, replacement } of rules.rewrite) {
    if (pattern.test(rest)) {
      forwarded = rest.replace(pattern, replacement);
      break;
    }
  }
  if (!forwarded.startsWith('/')) forwarded = `/${forwarded}`;
  return forwarded + search;
}
