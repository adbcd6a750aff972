/**
 * @module alerts/send-webhook
 * One delivery attempt of an alert: POST the stored payload, signed (webhook-signature.ts), with
 * the alert id and the attempt number in headers; any answer but 2xx, a network error or the
 * timeout is a failure to retry. The secret is never logged; errors name the status only.
 */
import type { z } from 'zod';
import type { webhookSchema } from '../../schemas/alerts-config.js';
import type { AlertRow } from './alert-store.js';
import { signatureHeader, signWebhook } from './webhook-signature.js';

export async function sendWebhook(webhook: z.infer<typeof webhookSchema>, alert: AlertRow, fetchImpl: typeof fetch, now: () => number): Promise<void> {
  const timestamp = Math.floor(now() / 1000);
  const response = await fetchImpl(webhook.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'user-agent': 'Tollgate-Alerts/1',
      [signatureHeader]: signWebhook(webhook.secret, alert.payload, timestamp),
      'x-tollgate-timestamp': String(timestamp),
      'x-tollgate-alert-id': alert.id,
      'x-tollgate-delivery-attempt': String(alert.attempts),
    },
    body: alert.payload,
    signal: AbortSignal.timeout(webhook.timeoutMs),
    redirect: 'manual',
  });
  // Drain the body so the connection can be reused; its content is not needed.
  await response.arrayBuffer().catch(() => undefined);
  if (response.status < 200 || response.status >= 300) throw new Error(`webhook answered ${response.status}`);
}
