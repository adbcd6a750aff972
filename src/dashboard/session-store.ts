/**
 * @module dashboard/session-store
 * All SQL of dashboard sessions: create, find (unexpired), delete, and purge the expired. Tokens
 * are stored only as SHA-256 hashes, like API keys.
 */
import type Database from 'better-sqlite3';

export interface SessionRow {
  token_hash: string;
  key_id: string | null;
  admin_key_hash: string | null;
  created_at: number;
  expires_at: number;
}

export function createSession(client: Database.Database, session: { tokenHash: string; keyId: string | null; adminKeyHash: string | null; createdAt: number; expiresAt: number }): void {
  client
    .prepare('INSERT INTO dashboard_sessions (token_hash, key_id, admin_key_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?)')
    .run(session.tokenHash, session.keyId, session.adminKeyHash, session.createdAt, session.expiresAt);
  // Sign-ins are rare: a good moment to drop the sessions that have expired.
  client.prepare('DELETE FROM dashboard_sessions WHERE expires_at <= ?').run(session.createdAt);
}

export function findSession(client: Database.Database, tokenHash: string, now: number): SessionRow | undefined {
  return client.prepare('SELECT * FROM dashboard_sessions WHERE token_hash = ? AND expires_at > ?').get(tokenHash, now) as SessionRow | undefined;
}

export function deleteSession(client: Database.Database, tokenHash: string): void {
  client.prepare('DELETE FROM dashboard_sessions WHERE token_hash = ?').run(tokenHash);
}
