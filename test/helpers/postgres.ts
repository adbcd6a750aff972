/**
 * @module test/helpers/postgres
 * A fresh PostgreSQL database per test (or per file), on the server CI runs at 127.0.0.1:5432
 * (trust auth, user postgres; `TOLLGATE_TEST_POSTGRES` names another server). Each gets its own
 * database, named at random, so test files running in parallel never see each other's rows; it
 * is dropped when the test is done.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const postgresServer = process.env.TOLLGATE_TEST_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface FreshPostgres {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** Runs one statement on the server's maintenance database (`server`'s database). */
export async function onServer<T>(work: (client: pg.Client) => Promise<T>, server = postgresServer): Promise<T> {
  const client = new pg.Client({ connectionString: server });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export async function freshPostgresDatabase(server = postgresServer): Promise<FreshPostgres> {
  const name = `tollgate_test_${randomBytes(6).toString('hex')}`;
  await onServer((client) => client.query(`CREATE DATABASE ${name}`), server);
  const url = new URL(server);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: () => onServer((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`), server).then(() => undefined),
  };
}
