/**
 * @module calls/call-labels
 * Chargeback labels below the tenant, read from the request: the end user (the OpenAI `user`
 * field, or the `x-tollgate-end-user` header where a route has no such field, e.g. prompt APIs)
 * and `x-tollgate-tags: team=search,feature=autocomplete`. Both land in the ledger row and its
 * rollups, so reports can group and filter by them. Labels are bounded and validated before the
 * call is metered: a bad one is a 400 that names the header or field, never a silent truncation.
 *
 * @example
 * parseTagsHeader('team=search, feature=autocomplete');   // '{"feature":"autocomplete","team":"search"}'
 */
import type { Context } from 'hono';
import { GatewayError } from '../errors/gateway-error.js';

export interface CallLabels {
  endUser: string | null;
  /** Canonical JSON object of strings (keys sorted), or null. */
  tags: string | null;
}

export const tagsHeader = 'x-tollgate-tags';
export const endUserHeader = 'x-tollgate-end-user';
export const maxTags = 10;
export const maxTagsHeaderLength = 1_024;
export const maxEndUserLength = 256;
const tagKeyPattern = /^[A-Za-z0-9_.:-]{1,64}$/;
const tagValuePattern = /^[A-Za-z0-9_.:/@+-](?:[A-Za-z0-9_.:/@+ -]{0,126}[A-Za-z0-9_.:/@+-])?$/;
const controlCharacter = /[\u0000-\u001f\u007f]/;

/** The labels of the request in `context`; `user` is the body's OpenAI `user` field, if the route has one. */
export function callLabels(context: Context, user?: string): CallLabels {
  const endUser = user !== undefined && user !== '' ? user : context.req.header(endUserHeader);
  return { endUser: parseEndUser(endUser, user !== undefined && user !== '' ? 'user' : endUserHeader), tags: parseTagsHeader(context.req.header(tagsHeader)) };
}

export function parseEndUser(value: string | undefined, param: string): string | null {
  if (value === undefined || value === '') return null;
  if (value.length > maxEndUserLength || controlCharacter.test(value)) {
    throw new GatewayError(400, `\`${param}\` must be at most ${maxEndUserLength} characters without control characters.`, {
      param,
      code: param === 'user' ? 'invalid_request_body' : 'invalid_end_user',
    });
  }
  return value;
}

/** `k=v,k2=v2` → canonical JSON; null when absent or empty. Throws 400 `invalid_tags`. */
export function parseTagsHeader(header: string | undefined): string | null {
  if (header === undefined || header.trim() === '') return null;
  if (header.length > maxTagsHeaderLength) throw invalidTags(`is longer than ${maxTagsHeaderLength} characters`);
  const tags: Record<string, string> = {};
  const pairs = header.split(',');
  if (pairs.length > maxTags) throw invalidTags(`has ${pairs.length} tags; at most ${maxTags} are allowed`);
  for (const pair of pairs) {
    const separator = pair.indexOf('=');
    if (separator < 0) throw invalidTags(`has "${shorten(pair.trim())}", which is not key=value`);
    const key = pair.slice(0, separator).trim();
    const value = pair.slice(separator + 1).trim();
    if (!tagKeyPattern.test(key)) throw invalidTags(`has the key "${shorten(key)}": keys are 1–64 of A-Z a-z 0-9 _ . : -`);
    if (!tagValuePattern.test(value)) {
      throw invalidTags(`has the value "${shorten(value)}" for "${key}": values are 1–128 of A-Z a-z 0-9 _ . : / @ + - and inner spaces`);
    }
    if (Object.hasOwn(tags, key)) throw invalidTags(`names "${key}" twice`);
    tags[key] = value;
  }
  const sorted = Object.keys(tags).sort();
  return JSON.stringify(Object.fromEntries(sorted.map((key) => [key, tags[key]])));
}

function invalidTags(problem: string): GatewayError {
  return new GatewayError(400, `The \`${tagsHeader}\` header ${problem}. Send e.g. \`${tagsHeader}: team=search,feature=autocomplete\`.`, {
    param: tagsHeader,
    code: 'invalid_tags',
  });
}

/** Echo at most 40 characters of a bad value, without control characters. */
function shorten(text: string): string {
  const clean = text.replace(/[\u0000-\u001f\u007f]/g, '?');
  return clean.length > 40 ? `${clean.slice(0, 40)}…` : clean;
}
