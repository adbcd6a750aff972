/**
 * @module logging/logger
 * One JSON line per event on stderr. Every line passes through `redactSecrets`, which replaces the
 * provider, admin and configured tenant keys registered at start-up, and anything shaped like a
 * bearer token or a well-known key (Tollgate `tg_...`, OpenAI and Anthropic `sk-...`, Google
 * `AIza...`), so a key that leaks into an upstream error message still never reaches a log.
 */
export type Level = 'debug' | 'info' | 'warn' | 'error';
const levelOrder: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

const registeredSecrets = new Set<string>();
const environmentLevel = levelOrder[process.env.TOLLGATE_LOG_LEVEL as Level] as number | undefined;
let minimumLevel: number = environmentLevel ?? levelOrder.info;

/** Key shapes redacted wherever they appear, registered or not. */
const keyShapes = /\b(?:tg_[A-Za-z0-9_-]{16,}|sk-[A-Za-z0-9_-]{16,}|AIza[0-9A-Za-z_-]{30,})/g;

/** Secrets shorter than this are not registered: replacing "a" everywhere would wreck every log. */
const minimumSecretLength = 6;

export function registerSecret(secret: string | undefined): void {
  if (secret && secret.length >= minimumSecretLength) registeredSecrets.add(secret);
}

/** Every text either pattern below can match contains one of these (case aside): one scan rules most lines out. */
const shapeHints = /bearer|tg_|sk-|aiza/i;

export function redactSecrets(text: string): string {
  let result = shapeHints.test(text) ? text.replace(/(bearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi, '$1[redacted]').replace(keyShapes, '[redacted]') : text;
  for (const secret of registeredSecrets) {
    if (result.includes(secret)) result = result.split(secret).join('[redacted]');
  }
  return result;
}

export function setLogLevel(level: Level): void {
  minimumLevel = levelOrder[level];
}

/** The configured level, unless `TOLLGATE_LOG_LEVEL` set one (the environment wins). */
export function setConfiguredLogLevel(level: Level): void {
  if (environmentLevel === undefined) minimumLevel = levelOrder[level];
}

export function logLevelEnabled(level: Level): boolean {
  return levelOrder[level] >= minimumLevel;
}

function write(level: Level, message: string, fields?: Record<string, unknown>): void {
  if (levelOrder[level] < minimumLevel) return;
  const line = JSON.stringify({ time: new Date().toISOString(), level, message, ...fields });
  process.stderr.write(redactSecrets(line) + '\n');
}

export const logger = {
  debug: (message: string, fields?: Record<string, unknown>) => write('debug', message, fields),
  info: (message: string, fields?: Record<string, unknown>) => write('info', message, fields),
  warn: (message: string, fields?: Record<string, unknown>) => write('warn', message, fields),
  error: (message: string, fields?: Record<string, unknown>) => write('error', message, fields),
};
