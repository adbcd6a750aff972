/**
 * @module test/helpers/ledger
 * Reads a test gateway's ledger through the admin API, waiting for a call's row to land (rows are
 * written in batches off the request path).
 */
import { expect } from 'vitest';
import { testAdminKey } from './start-gateway.js';

export async function ledgerRows(gatewayUrl: string, query = ''): Promise<any[]> {
  const response = await fetch(`${gatewayUrl}/admin/calls?limit=500&${query}`, { headers: { authorization: `Bearer ${testAdminKey}` } });
  return ((await response.json()) as { data: any[] }).data;
}

export async function ledgerRowFor(gatewayUrl: string, requestId: string): Promise<any> {
  let found: any;
  await expect.poll(async () => (found = (await ledgerRows(gatewayUrl)).find((row) => row.id === requestId)), { timeout: 5000 }).toBeDefined();
  return found;
}
