// The only way the app talks to the server: Mastodon's public REST API with the Bearer token from
// initial-state, as app/javascript/mastodon/api.ts does. Failures are values, never exceptions.
import type { InitialState } from './initialState';

export type ApiError =
  | { kind: 'network'; message: string }
  | { kind: 'http'; status: number; body: unknown }
  | { kind: 'shape'; path: string };

/** `next`: the rel="next" URL of the Link header (older items), when the response is paginated. */
export type ApiResult<T> = { ok: true; value: T; status: number; next: string | null } | { ok: false; error: ApiError };

/** Extracts rel="next" from an RFC 8288 Link header; only same-origin URLs are followed. */
export function nextLink(header: string | null, origin: string): string | null {
  if (!header) return null;
  for (const part of header.split(',')) {
    const m = /<([^>]*)>\s*;\s*rel="?next"?/.exec(part);
    if (!m?.[1]) continue;
    try {
      const u = new URL(m[1], origin);
      return u.origin === origin ? u.pathname + u.search : null;
    } catch {
      return null;
    }
  }
  return null;
}

let session: Pick<InitialState, 'accessToken' | 'csrfToken'> | null = null;

export function configureApi(s: Pick<InitialState, 'accessToken' | 'csrfToken'>): void {
  session = s;
}

export function accessToken(): string {
  return session?.accessToken ?? '';
}

export async function apiRequest(
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  path: string,
  opts: { body?: unknown; headers?: Record<string, string> } = {},
): Promise<ApiResult<unknown>> {
  const headers: Record<string, string> = {
    Accept: 'application/json',
    Authorization: `Bearer ${accessToken()}`,
    'X-CSRF-Token': session?.csrfToken ?? '',
    ...opts.headers,
  };
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      credentials: 'same-origin',
    });
  } catch (e) {
    return { ok: false, error: { kind: 'network', message: e instanceof Error ? e.message : String(e) } };
  }
  let json: unknown = null;
  const text = await res.text().catch(() => '');
  if (text) {
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
  }
  if (!res.ok) return { ok: false, error: { kind: 'http', status: res.status, body: json } };
  return { ok: true, value: json, status: res.status, next: nextLink(res.headers.get('link'), location.origin) };
}

/** GET + parse with a guard; a guard returning null is a shape error. */
export async function apiGet<T>(path: string, parse: (v: unknown) => T | null): Promise<ApiResult<T>> {
  const r = await apiRequest('GET', path);
  if (!r.ok) return r;
  const value = parse(r.value);
  if (value === null) return { ok: false, error: { kind: 'shape', path } };
  return { ok: true, value, status: r.status, next: r.next };
}

export function describeError(e: ApiError): string {
  switch (e.kind) {
    case 'network':
      return `Network error: ${e.message}`;
    case 'shape':
      return `Unexpected response from ${e.path}`;
    case 'http': {
      const b = e.body as { error?: unknown } | null;
      return typeof b?.error === 'string' ? b.error : `HTTP ${e.status}`;
    }
  }
}

/** RFC 4122 v4 id for Idempotency-Key, as Mastodon's uuid(). */
export function uuid(): string {
  return crypto.randomUUID();
}
