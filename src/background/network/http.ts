/**
 * JSON over HTTP for the key store: bounded time and size, typed failures, never throws. Only
 * http(s) URLs are fetched, without cookies (`credentials: 'omit'`): the token, when needed, is
 * the only credential and goes in the Authorization header.
 */
export type HttpFailure =
  | { readonly ok: false; readonly kind: 'network'; readonly message: string }
  | { readonly ok: false; readonly kind: 'status'; readonly status: number; readonly message: string }
  | { readonly ok: false; readonly kind: 'bad_json'; readonly message: string };

export type HttpResult = { readonly ok: true; readonly status: number; readonly json: unknown } | HttpFailure;

export type Fetch = (url: string, init: RequestInit) => Promise<Response>;

export interface HttpOptions {
  readonly method?: 'GET' | 'PATCH' | 'POST';
  readonly token?: string;
  readonly body?: unknown;
  readonly timeoutMs?: number;
}

const MAX_BODY = 512 * 1024;

export async function requestJson(fetchFn: Fetch, url: string, opts: HttpOptions = {}): Promise<HttpResult> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { ok: false, kind: 'network', message: 'bad URL' };
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return { ok: false, kind: 'network', message: 'not an http(s) URL' };
  const headers: Record<string, string> = { accept: 'application/json' };
  if (opts.token !== undefined) headers.authorization = `Bearer ${opts.token}`;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetchFn(parsed.href, {
      method: opts.method ?? 'GET',
      headers,
      credentials: 'omit',
      redirect: 'error',
      cache: 'no-store',
      signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
      ...(opts.body === undefined ? {} : { body: JSON.stringify(opts.body) }),
    });
  } catch (e) {
    return { ok: false, kind: 'network', message: e instanceof Error ? e.name === 'TimeoutError' ? 'timed out' : e.message : 'fetch failed' };
  }
  let text: string;
  try {
    text = await res.text();
  } catch {
    return { ok: false, kind: 'network', message: 'body read failed' };
  }
  if (!res.ok) return { ok: false, kind: 'status', status: res.status, message: `HTTP ${res.status}` };
  if (text.length > MAX_BODY) return { ok: false, kind: 'bad_json', message: 'response too large' };
  try {
    return { ok: true, status: res.status, json: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, kind: 'bad_json', message: 'not JSON' };
  }
}
