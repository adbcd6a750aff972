/**
 * @module logging/logger
 * One JSON line per event on stderr. Every line passes through `redactSecrets`, which replaces the
 * provider keys registered at start-up (and anything shaped like a bearer token), so a key that
 * leaks into an upstream error message still never reaches a log.
 */
type Level = 'debug' | 'info' | 'warn' | 'error';
const levelOrder: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

const registeredSecrets = new Set<string>();
let minimumLevel: number = levelOrder[(process.env.TOLLGATE_LOG_LEVEL as Level) ?? 'info'] ?? levelOrder.info;

/** Secrets shorter than this are not registered: replacing "a" everywhere would wreck every log. */
const minimumSecretLength = 6;

export function registerSecret(secret: string | undefined): void {
  if (secret && secret.length >= minimumSecretLength) registeredSecrets.add(secret);
}

export function redactSecrets(text: string): string {
  let result = text.replace(/(bearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi, '$1[redacted]');
  for (const secret of registeredSecrets) {
    if (result.includes(secret)) result = result.split(secret).join('[redacted]');
  }
  return result;
}

export function setLogLevel(level: Level): void {
  minimumLevel = levelOrder[level];
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
