/**
 * @module dashboard/api
 * The page's only way to the server: the same report APIs any client uses, authenticated by the
 * HttpOnly session cookie the browser sends by itself (the page never sees a key after sign-in).
 */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code: string | null,
  ) {
    super(message);
  }
}

export type Params = Record<string, string | string[] | undefined>;

export interface Session {
  role: 'admin' | 'finance' | 'tenant';
  tenant: string | null;
  key_name: string;
  time_zone: string;
}

/** `path?params` with empty values left out and lists repeated (`tag=a&tag=b`). */
export function apiUrl(path: string, params: Params = {}): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined || value === '') continue;
    for (const item of Array.isArray(value) ? value : [value]) if (item !== '') search.append(name, item);
  }
  const query = search.toString();
  return query ? `${path}?${query}` : path;
}

async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: body === undefined ? { accept: 'application/json' } : { 'content-type': 'application/json', accept: 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const json = text ? (JSON.parse(text) as unknown) : undefined;
  if (!response.ok) {
    const error = (json as { error?: { message?: string; code?: string } } | undefined)?.error;
    throw new ApiError(response.status, error?.message ?? `HTTP ${response.status}`, error?.code ?? null);
  }
  return json as T;
}

export const getJson = <T>(path: string, params?: Params) => request<T>('GET', apiUrl(path, params));
export const signIn = (key: string) => request<Session>('POST', '/dashboard/session', { key });
export const currentSession = () => request<Session>('GET', '/dashboard/session');
export const signOut = () => request<{ signed_out: boolean }>('DELETE', '/dashboard/session');

export interface UsageFigures {
  requests: number;
  errors: number;
  input_tokens: number;
  cached_input_tokens: number;
  cache_write_tokens: number;
  output_tokens: number;
  reasoning_tokens: number;
  cost_usd: string;
  estimated_cost_usd: string;
  unpriced_requests: number;
  estimated_requests: number;
}

export type UsageRow = UsageFigures & Record<string, string | number | null>;

export interface UsageReport {
  from: string | null;
  to: string | null;
  tz: string;
  alignment: 'exact' | 'hour';
  totals: UsageFigures;
  data: UsageRow[];
}

export const totalTokens = (row: UsageFigures) =>
  row.input_tokens + row.cached_input_tokens + row.cache_write_tokens + row.output_tokens + row.reasoning_tokens;
