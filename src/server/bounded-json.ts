/**
 * @module server/bounded-json
 * Bounds the nesting of a parsed JSON body before any mapping function walks it: a hostile
 * `[[[[...]]]]` or a tool schema nested thousands deep must be a clear 400, never a stack
 * overflow in a recursive converter. Iterative, so the check itself cannot overflow.
 */
import { GatewayError } from '../errors/gateway-error.js';

/** Deeper than any real prompt, tool schema or conversation item. */
export const maxJsonDepth = 64;

export function assertDepthWithin(value: unknown, limit = maxJsonDepth): void {
  const stack: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
  while (stack.length > 0) {
    const { value: node, depth } = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (depth >= limit) {
      throw new GatewayError(400, `The request body is nested more than ${limit} levels deep.`, { code: 'too_deeply_nested' });
    }
    const children = Array.isArray(node) ? node : Object.values(node);
    for (const child of children) if (child !== null && typeof child === 'object') stack.push({ value: child, depth: depth + 1 });
  }
}
