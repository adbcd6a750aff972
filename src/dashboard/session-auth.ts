/**
 * @module dashboard/session-auth
 * Dashboard sessions: signing in with a key (an admin or finance operator key, the admin key, or
 * a tenant key for its own view) creates a random token, kept by the browser only in an HttpOnly,
 * SameSite=Strict cookie (Secure when the request came over TLS) — never in the URL or in script-
 * readable storage. A session lasts eight hours; it ends at sign-out, when its key is revoked or
 * expires, or when the admin key it was made with changes. A session only reads: the admin API
 * accepts it for GET requests and never for changes, so a forged cross-site request can do
 * nothing even where a browser ignores SameSite.
 */
import { randomBytes } from 'node:crypto';
import type { Context } from 'hono';
import { getCookie } from 'hono/cookie';
import { hashApiKey, presentedKey, secretsEqual } from '../auth/api-key.js';
import { authenticateKey, type Caller } from '../auth/authenticate.js';
import { GatewayError } from '../errors/gateway-error.js';
import type { GatewayEnv } from '../server/gateway-env.js';
import { createSession, deleteSession, findSession } from './session-store.js';

export const sessionCookie = 'tollgate_session';
export const sessionLifetimeMs = 8 * 3_600_000;

/** Signs in with `rawKey`; returns the caller and the cookie to set. Throws 401 for a bad key. */
export async function signIn(context: Context<GatewayEnv>, rawKey: string | undefined): Promise<{ caller: Caller; cookie: string }> {
  const { keyStore, adminKey, controlSql } = context.get('gateway');
  const now = Date.now();
  let caller: Caller;
  let keyId: string | null = null;
  let adminKeyHash: string | null = null;
  if (rawKey && adminKey && secretsEqual(rawKey, adminKey)) {
    caller = { kind: 'operator', key: null, role: 'admin' };
    adminKeyHash = hashApiKey(adminKey);
  } else {
    const { key, tenant } = authenticateKey(keyStore, rawKey);
    keyId = key.id;
    caller = key.role === 'tenant' && tenant ? { kind: 'tenant', key, tenant } : { kind: 'operator', key, role: key.role === 'finance' ? 'finance' : 'admin' };
  }
  const token = randomBytes(32).toString('base64url');
  await createSession(controlSql, { tokenHash: hashApiKey(token), keyId, adminKeyHash, createdAt: now, expiresAt: now + sessionLifetimeMs });
  return { caller, cookie: cookieHeader(context, token, sessionLifetimeMs / 1000) };
}

/** The caller of the session in the request's cookie, or undefined (no cookie, unknown, expired, key gone). */
export async function sessionCaller(context: Context<GatewayEnv>): Promise<Caller | undefined> {
  const token = getCookie(context, sessionCookie);
  if (!token || token.length > 100) return undefined;
  const { keyStore, adminKey, controlSql } = context.get('gateway');
  const now = Date.now();
  const session = await findSession(controlSql, hashApiKey(token), now);
  if (!session) return undefined;
  if (session.key_id === null) {
    return adminKey && session.admin_key_hash === hashApiKey(adminKey) ? { kind: 'operator', key: null, role: 'admin' } : undefined;
  }
  const key = keyStore.key(session.key_id);
  if (!key || key.revokedAt !== null || (key.expiresAt !== null && key.expiresAt <= now)) return undefined;
  if (key.role === 'tenant') {
    const tenant = key.tenantId ? keyStore.tenant(key.tenantId) : undefined;
    return tenant ? { kind: 'tenant', key, tenant } : undefined;
  }
  return { kind: 'operator', key, role: key.role === 'finance' ? 'finance' : 'admin' };
}

/** Ends the request's session and returns the cookie header that clears it. */
export async function signOut(context: Context<GatewayEnv>): Promise<string> {
  const token = getCookie(context, sessionCookie);
  if (token && token.length <= 100) await deleteSession(context.get('gateway').controlSql, hashApiKey(token));
  return cookieHeader(context, '', 0);
}

/** True when the request carries a key header: it then authenticates instead of any cookie. */
export function presentsKey(context: Context<GatewayEnv>): boolean {
  return presentedKey(context.req.header('authorization'), context.req.header('x-api-key')) !== undefined;
}

export async function requireSession(context: Context<GatewayEnv>): Promise<Caller> {
  const caller = await sessionCaller(context);
  if (!caller) throw new GatewayError(401, 'Not signed in, or the session has ended. Sign in with your key.', { code: 'not_signed_in' });
  return caller;
}

function cookieHeader(context: Context<GatewayEnv>, value: string, maxAgeSeconds: number): string {
  const secure = isTls(context) ? '; Secure' : '';
  return `${sessionCookie}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${secure}`;
}

/** TLS here, or at a proxy in front that says so. */
function isTls(context: Context<GatewayEnv>): boolean {
  return new URL(context.req.url).protocol === 'https:' || context.req.header('x-forwarded-proto')?.split(',')[0]?.trim() === 'https';
}
