/**
 * @module openapi/paths-observability
 * What operators watch: `GET /metrics` (Prometheus text, the default path on the gateway's port)
 * and the audit trail, `GET /admin/audit` (admins only).
 */
import { adminErrors, errorResponses, jsonResponse, queryParameter, security } from './openapi-parts.js';
import type { Paths } from './openapi-types.js';

const auditEvent = {
  type: 'object',
  required: ['id', 'time', 'actor_kind', 'actor', 'action'],
  properties: {
    id: { type: 'integer' },
    time: { type: 'string', format: 'date-time' },
    actor_kind: { type: 'string', enum: ['operator', 'tenant', 'cli', 'config', 'file', 'anonymous'] },
    actor: { type: ['string', 'null'], description: 'Key id (`admin-key` for TOLLGATE_ADMIN_KEY), the CLI user, or a refused key\'s first characters.' },
    action: { type: 'string', description: '`tenant.create`, `key.revoke`, `auth.refused`, ...' },
    target_type: { type: ['string', 'null'] },
    target_id: { type: ['string', 'null'] },
    source: { type: ['string', 'null'], description: "The client's address, or `cli@<host>`." },
    before: {},
    after: {},
    detail: {},
  },
};

export function observabilityPaths(): Paths {
  return {
    '/metrics': {
      get: {
        operationId: 'getMetrics',
        tags: ['health'],
        summary: 'Prometheus metrics',
        description: 'The Prometheus text format (`metrics.path`; absent when `metrics.port` moves it to a listener of its own). Under `serve --workers N`, the whole process group.',
        security: security.none,
        responses: { 200: { description: 'Prometheus text exposition format 0.0.4.', content: { 'text/plain': { schema: { type: 'string' } } } } },
      },
    },
    '/admin/audit': {
      get: {
        operationId: 'listAuditEvents',
        tags: ['admin'],
        summary: 'The audit trail',
        description: 'Admin changes and refused authentications, newest first, paged with `next_cursor`. Admin role only.',
        security: security.operator,
        parameters: [
          queryParameter('action', 'Only this action, e.g. `key.revoke` or `auth.refused`.'),
          queryParameter('actor', 'Only this actor (a key id, `admin-key`, a CLI user).'),
          queryParameter('target_type', 'Only this kind of target: `tenant`, `key`, `prompt`, `subscription`, `price`, `config`.'),
          queryParameter('target', 'Only this target id.'),
          queryParameter('from', 'Inclusive start, ISO 8601.'),
          queryParameter('to', 'Inclusive end, ISO 8601.'),
          queryParameter('limit', 'Events per page.', { type: 'integer', minimum: 1, maximum: 1000, default: 100 }),
          queryParameter('cursor', '`next_cursor` of the previous page.'),
        ],
        responses: {
          200: jsonResponse('A page of events.', {
            type: 'object',
            required: ['data', 'next_cursor'],
            properties: { data: { type: 'array', items: auditEvent }, next_cursor: { type: ['string', 'null'] } },
          }),
          ...errorResponses(adminErrors(400)),
        },
      },
    },
  };
}
