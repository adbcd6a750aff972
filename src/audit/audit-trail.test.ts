import { describe, expect, it } from 'vitest';
import { openDatabase } from '../storage/database.js';
import { queryAuditEvents } from './audit-store.js';
import { AuditTrail } from './audit-trail.js';

const refusal = (source: string) => ({ status: 401, reason: 'invalid_api_key', actor: 'tg_abc...', source, method: 'POST', path: '/v1/chat/completions' });

describe('AuditTrail refusals', () => {
  it('writes at most the per-source and overall budget each minute, then one summary of the rest', () => {
    const database = openDatabase(':memory:');
    let now = 1_000_000;
    const trail = new AuditTrail(database, { perSourcePerMinute: 3, perMinute: 5 }, () => now);
    for (let index = 0; index < 20; index++) trail.refusal(refusal('10.0.0.1'));
    for (let index = 0; index < 20; index++) trail.refusal(refusal(`10.0.1.${index}`));
    const all = () => queryAuditEvents(database, { limit: 1000 }).data;
    expect(all().filter((event) => event.action === 'auth.refused')).toHaveLength(5);
    now += 61_000;
    trail.refusal(refusal('10.0.0.1'));
    const summary = all().find((event) => event.action === 'auth.refused.suppressed');
    expect(summary?.detail).toMatchObject({ count: 35 });
    expect(all().filter((event) => event.action === 'auth.refused')).toHaveLength(6);
    trail.close();
    database.$client.close();
  });
});
