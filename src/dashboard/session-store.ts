/**
 * @module dashboard/session-store
 * All SQL of dashboard sessions: create, find (unexpired), delete, and purge the expired. Tokens
 * are stored only as SHA-256 hashes, like API keys. The same statements on SQLite and PostgreSQL
 * (`storage/control-sql.ts`), so with `storage.postgres` a session made on one instance is
 * honoured by every other.
 */
import type { ControlSql } from '../storage/control-sql.js';

export interface SessionRow {
  token_hash: string;
  key_id: string | null;
  admin_key_hash: string | null;
  created_at: number;
  expires_at: number;
}

export async function createSession(db: ControlSql, session: { tokenHash: string; keyId: string | null; adminKeyHash: string | null; createdAt: number; expiresAt: number }): Promise<void> {
  await db.run('INSERT INTO dashboard_sessions (token_hash, key_id, admin_key_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?)', [
    session.tokenHash,
    session.keyId,
    session.adminKeyHash,
    session.createdAt,
    session.expiresAt,
  ]);
  // Sign-ins are rare: a good moment to drop the sessions that have expired.
  await db.run('DELETE FROM dashboard_sessions WHERE expires_at <= ?', [session.createdAt]);
}

export async function findSession(db: ControlSql, tokenHash: string, now: number): Promise<SessionRow | undefined> {
  return (await db.all<SessionRow>('SELECT * FROM dashboard_sessions WHERE token_hash = ? AND expires_at > ?', [tokenHash, now]))[0];
}

export async function deleteSession(db: ControlSql, tokenHash: string): Promise<void> {
  await db.run('DELETE FROM dashboard_sessions WHERE token_hash = ?', [tokenHash]);
}
