/**
 * @module alerts/webhook-signature
 * How alert webhooks are signed, and how a receiver checks them. The signature covers the
 * timestamp and the exact body: `x-tollgate-signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of
 * "<t>.<body>" with the shared secret>`. A receiver recomputes it, compares in constant time,
 * refuses a timestamp more than five minutes away (so a captured request cannot be replayed
 * later), and drops an alert id it has already handled (so one replayed within the window, or a
 * retry of a delivery whose answer was lost, is not acted on twice).
 *
 * @example
 * const header = signWebhook(secret, body, Math.floor(Date.now() / 1000));
 * verifyWebhookSignature(secret, header, body);   // true
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const signatureHeader = 'x-tollgate-signature';
export const defaultToleranceSeconds = 300;

export function signWebhook(secret: string, body: string, timestampSeconds: number): string {
  const digest = createHmac('sha256', secret).update(`${timestampSeconds}.${body}`).digest('hex');
  return `t=${timestampSeconds},v1=${digest}`;
}

/** True when `header` is a valid signature of `body` made within `toleranceSeconds` of `nowSeconds`. */
export function verifyWebhookSignature(
  secret: string,
  header: string | null | undefined,
  body: string,
  nowSeconds = Math.floor(Date.now() / 1000),
  toleranceSeconds = defaultToleranceSeconds,
): boolean {
  const match = header ? /^t=(\d{1,12}),v1=([0-9a-f]{64})$/.exec(header) : null;
  if (!match) return false;
  const timestamp = Number(match[1]);
  if (Math.abs(nowSeconds - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(signWebhook(secret, body, timestamp).slice(-64), 'hex');
  return timingSafeEqual(expected, Buffer.from(match[2], 'hex'));
}
