/**
 * @module prompt-api/model-output-depth
 * How deep a JSON prompt's answer may nest. The answer is the model's text, parsed: `JSON.parse`
 * takes any depth, but answering the client means `JSON.stringify`, which overflows the stack on a
 * few thousand levels — a 500 for a call that already ran and was billed. An answer nested past
 * this depth is invalid output (it gets the one repair attempt, then a 502), like one that breaks
 * the schema. The walk is iterative, so checking cannot overflow either.
 */
export const maxOutputDepth = 64;

export function nestsDeeperThan(value: unknown, limit: number): boolean {
  const pending: Array<[unknown, number]> = [[value, 0]];
  while (pending.length > 0) {
    const [item, depth] = pending.pop()!;
    if (item === null || typeof item !== 'object') continue;
    if (depth >= limit) return true;
    for (const child of Array.isArray(item) ? item : Object.values(item)) {
      if (child !== null && typeof child === 'object') pending.push([child, depth + 1]);
    }
  }
  return false;
}
