/**
 * @module schemas/balance
 * The `balance` setting shared by REST services and model groups: one spelling for both, since
 * both are balanced by the same router (src/router/balance-spec.ts reads it).
 */
import { z } from 'zod';

export const balanceSchema = z
  .string()
  .regex(
    /^(round-robin|weighted|least-inflight|latency|hash:[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100})$/,
    'must be round-robin, weighted, least-inflight, latency or hash:<header name>',
  );
