/**
 * @module protocols/completions/errors
 * Legacy completions answer errors in OpenAI's usual shape (the gateway's default), and a stream
 * that fails after its 200 ends with `data: {"error": {...}}` (see `stream.ts`). Nothing to map.
 */
export {};
