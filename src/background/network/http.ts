/**
 * JSON over HTTP for the key store: bounded time and size, typed failures, never throws. Only
 * http(s) URLs are fetched, without cookies (`credentials: 'omit'`): the token, when needed, is
 * the only credential and goes in the Authorization header.
 *
 * Bounds (issue #21): one deadline covers the headers AND the body; the body is refused without
 * reading when its Content-Length is over the cap, and otherwise read through a stream reader that
 * counts bytes and cancels the download as soon as the count passes the cap. An error status is
 * not read at all. So a hostile instance answering 300 MB costs at most the cap in memory.
 */
export type HttpFailure =
  | { readonly ok: false; readonly kind: 'network'; readonly message: string }
  /** `retryAt`: a 429's X-RateLimit-Reset (epoch ms), when the server sent one. */
  | {
      readonly ok: false;
      readonly kind: 'status';
      readonly status: number;
      readonly message: string;
      readonly retryAt?: number;
    }
  | { readonly ok: false; readonly kind: 'bad_json'; readonly message: string };

/** `link`: the Link header (pagination), when present. */
export type HttpResult =
  { readonly ok: true; readonly status: number; readonly json: unknown; readonly link?: string } | HttpFailure;

export type Fetch = (url: string, init: RequestInit) => Promise<Response>;

export interface HttpOptions {
  readonly method?: 'GET' | 'PATCH' | 'POST' | 'DELETE';
  readonly token?: string;
  readonly body?: unknown;
  /** Deadline for the whole exchange, headers and body (default 10 s). */
  readonly timeoutMs?: number;
  /** Body cap in bytes (default MAX_BODY). */
  readonly maxBytes?: number;
  /** Accept header (default application/json). */
  readonly accept?: string;
  /** Follow redirects (WebFinger only: a split-domain instance redirects it to its web host). Default: refuse them. */
  readonly followRedirects?: boolean;
  /** Extra request headers (e.g. idempotency-key); they never replace accept, authorization or content-type. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** Account JSON with 64 fields of 16 KiB stays well under this; nothing Hush reads is larger. */
export const MAX_BODY = 512 * 1024;

const TOO_LARGE = 'response too large';
const RESERVED = new Set(['accept', 'authorization', 'content-type', 'cookie']);

type Body = { ok: true; bytes: Uint8Array } | { ok: false; reason: 'too_large' | 'timeout' | 'failed' };

/** Settles when the signal aborts (never rejects), so a body read that ignores the signal still ends. */
function whenAborted(signal: AbortSignal): Promise<'aborted'> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve('aborted');
    else signal.addEventListener('abort', () => resolve('aborted'), { once: true });
  });
}

/** Reads at most `max` bytes of the body; cancels the download beyond it or at the deadline. */
async function readCapped(res: Response, max: number, signal: AbortSignal): Promise<Body> {
  const declared = res.headers.get('content-length');
  if (declared !== null && /^\s*\d+\s*$/.test(declared) && Number(declared) > max) {
    void res.body?.cancel().catch(() => undefined);
    return { ok: false, reason: 'too_large' };
  }
  if (res.body === null) return { ok: true, bytes: new Uint8Array(0) };
  const reader = res.body.getReader();
  const aborted = whenAborted(signal);
  const chunks: Uint8Array[] = [];
  let total = 0;
  const stop = (reason: 'too_large' | 'timeout' | 'failed'): Body => {
    void reader.cancel().catch(() => undefined);
    return { ok: false, reason };
  };
  for (;;) {
    let step: ReadableStreamReadResult<Uint8Array> | 'aborted';
    try {
      step = await Promise.race([reader.read(), aborted]);
    } catch {
      return stop(signal.aborted ? 'timeout' : 'failed');
    }
    if (step === 'aborted') return stop('timeout');
    if (step.done) break;
    const chunk: unknown = step.value;
    if (!(chunk instanceof Uint8Array)) return stop('failed');
    total += chunk.byteLength;
    if (total > max) return stop('too_large');
    chunks.push(chunk);
  }
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.byteLength;
  }
  return { ok: true, bytes };
}

export async function requestJson(fetchFn: Fetch, url: string, opts: HttpOptions = {}): Promise<HttpResult> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { ok: false, kind: 'network', message: 'bad URL' };
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
    return { ok: false, kind: 'network', message: 'not an http(s) URL' };
  const headers: Record<string, string> = {};
  for (const [k, val] of Object.entries(opts.headers ?? {}))
    if (!RESERVED.has(k.toLowerCase())) headers[k.toLowerCase()] = val;
  headers.accept = opts.accept ?? 'application/json';
  if (opts.token !== undefined) headers.authorization = `Bearer ${opts.token}`;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  const max = opts.maxBytes ?? MAX_BODY;
  // One deadline for the whole exchange: a server that sends headers and then trickles (or hangs)
  // is cut off like one that never answers.
  const deadline = new AbortController();
  const timer = setTimeout(
    () => deadline.abort(new DOMException('timed out', 'TimeoutError')),
    opts.timeoutMs ?? 10_000,
  );
  try {
    let res: Response;
    try {
      res = await fetchFn(parsed.href, {
        method: opts.method ?? 'GET',
        headers,
        credentials: 'omit',
        redirect: opts.followRedirects === true ? 'follow' : 'error',
        cache: 'no-store',
        signal: deadline.signal,
        ...(opts.body === undefined ? {} : { body: JSON.stringify(opts.body) }),
      });
    } catch (e) {
      return {
        ok: false,
        kind: 'network',
        message: deadline.signal.aborted ? 'timed out' : e instanceof Error ? e.message : 'fetch failed',
      };
    }
    if (!res.ok) {
      // The body of an error is never needed: not read at all.
      void res.body?.cancel().catch(() => undefined);
      const reset = res.status === 429 ? Date.parse(res.headers.get('x-ratelimit-reset') ?? '') : Number.NaN;
      return {
        ok: false,
        kind: 'status',
        status: res.status,
        message: `HTTP ${res.status}`,
        ...(Number.isFinite(reset) ? { retryAt: reset } : {}),
      };
    }
    const body = await readCapped(res, max, deadline.signal);
    if (!body.ok) {
      if (body.reason === 'too_large') return { ok: false, kind: 'bad_json', message: TOO_LARGE };
      return { ok: false, kind: 'network', message: body.reason === 'timeout' ? 'timed out' : 'body read failed' };
    }
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(body.bytes);
    } catch {
      return { ok: false, kind: 'bad_json', message: 'not UTF-8' };
    }
    try {
      const link = res.headers.get('link');
      return {
        ok: true,
        status: res.status,
        json: JSON.parse(text) as unknown,
        ...(link === null ? {} : { link: link.slice(0, 4096) }),
      };
    } catch {
      return { ok: false, kind: 'bad_json', message: 'not JSON' };
    }
  } finally {
    clearTimeout(timer);
  }
}
