/**
 * @module server/body-structure
 * Refuses a parsed JSON body whose structure no route should have to walk: nested deeper than
 * `server.maxJsonDepth`, or repeating a key inside one object (see
 * `providers/shared/json-structure.ts` for why each matters). Runs right after `JSON.parse`, before
 * validation or anything else recursive sees the value; a 400 `invalid_request_body` whose `param`
 * says where.
 */
import { findStructureProblem, type StructureProblem } from '../../providers/shared/json-structure.js';
import { GatewayError } from '../errors/gateway-error.js';

/** Paths and keys are the caller's text: a message quotes at most this much of each. */
const quotedLength = 120;

export function assertSoundStructure(bytes: Uint8Array, value: unknown, maxDepth: number): void {
  if (typeof value !== 'object' || value === null) return;
  const problem = findStructureProblem(bytes, { maxDepth });
  if (problem) throw structureError(problem);
}

function structureError(problem: StructureProblem): GatewayError {
  const where = problem.path ? ` (at ${shorten(problem.path)})` : '';
  const message =
    problem.kind === 'too_deep'
      ? `The request body nests objects and arrays deeper than ${problem.maxDepth} levels${where}; flatten it.`
      : `The request body repeats the key "${shorten(problem.key)}" in one object${where}; JSON parsers disagree on which value counts, so send each key once.`;
  return new GatewayError(400, message, { code: 'invalid_request_body', param: problem.path ? shorten(problem.path) : null });
}

function shorten(text: string): string {
  return text.length <= quotedLength ? text : `${text.slice(0, quotedLength)}…`;
}
