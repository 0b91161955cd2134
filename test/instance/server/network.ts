// What happens to a request before and after the instance answers it, by the adversary's switches
// (setNetworkBehaviour): the request log every request lands in, and per-path faults (down, hang,
// reset, slow, huge body, truncated body, a forged answer). Applies to every request on the public port, WebSocket upgrades included.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Ctx } from './context.ts';
import { accountByToken } from './accounts.ts';
import { bearer } from './http.ts';
import { logRequest, networkRuleFor, rateLimitEnd, type NetworkRule } from './adversary-state.ts';

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(', ') : v;
}

/** The token as the streaming server accepts it: Bearer, ?access_token= or Sec-WebSocket-Protocol. */
export function requestToken(req: IncomingMessage, query: URLSearchParams): string {
  return bearer(req, query) || (header(req, 'sec-websocket-protocol')?.split(',')[0]?.trim() ?? '');
}

export function recordRequest(ctx: Ctx, req: IncomingMessage, url: URL, websocket: boolean): void {
  const token = requestToken(req, url.searchParams);
  const account = token === '' ? undefined : accountByToken(ctx, token);
  logRequest(ctx.adversary, {
    method: req.method ?? 'GET',
    path: url.pathname,
    query: url.search.replace(/^\?/, ''),
    time: Date.now(),
    hasToken: token !== '',
    account: account?.username ?? null,
    websocket,
    origin: header(req, 'origin') ?? null,
  });
}

export function ruleFor(ctx: Ctx, path: string): NetworkRule | undefined {
  return networkRuleFor(ctx.adversary, path);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms).unref());

/**
 * Before dispatch: 'down' answers 503, 'hang' never answers, 'reset' drops the connection (each
 * returns true: the request is handled); a delay waits, then dispatch goes on (false).
 */
export async function faultBefore(
  rule: NetworkRule | undefined,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<boolean> {
  const b = rule?.behaviour;
  if (b === undefined) return false;
  if (b === 'down') {
    req.resume();
    res.writeHead(503, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify({ error: 'Service Unavailable' }));
    return true;
  }
  if (b === 'hang') {
    req.resume(); // Read the body, never answer; closeAllConnections() on stop ends it.
    return true;
  }
  if (b === 'reset') {
    req.socket.destroy();
    return true;
  }
  if ('rateLimited' in b) {
    // The window has passed: answered as usual (Rack::Attack counts afresh in the next period).
    const end = rateLimitEnd(rule);
    if (end === null) return false;
    req.resume();
    // Mastodon's throttled response (config/initializers/rack_attack.rb): the limit, 0 remaining, the
    // end of the period as ISO 8601 with microseconds (`iso8601(6)`), and no Retry-After header.
    res.writeHead(429, {
      'content-type': 'application/json; charset=utf-8',
      'access-control-allow-origin': '*',
      'access-control-expose-headers':
        'Link, X-RateLimit-Reset, X-RateLimit-Limit, X-RateLimit-Remaining, X-Request-Id, Idempotency-Key',
      'x-ratelimit-limit': '300',
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': new Date(end).toISOString().replace(/Z$/, '000Z'),
    });
    res.end(JSON.stringify({ error: 'Too many requests' }));
    return true;
  }
  if ('respond' in b) {
    req.resume();
    res.writeHead(b.respond.status, {
      'content-type': 'application/json; charset=utf-8',
      'access-control-allow-origin': '*',
      'access-control-expose-headers':
        'Link, X-RateLimit-Reset, X-RateLimit-Limit, X-RateLimit-Remaining, X-Request-Id, Idempotency-Key',
      ...b.respond.headers,
    });
    res.end(JSON.stringify(b.respond.body));
    return true;
  }
  if ('delayMs' in b) await sleep(b.delayMs);
  return false;
}

/** Where a rule cuts the real body off (the connection is then closed), or undefined. */
export function truncationOf(rule: NetworkRule | undefined): number | undefined {
  const b = rule?.behaviour;
  return typeof b === 'object' && 'truncateAt' in b ? b.truncateAt : undefined;
}

/** The size of padding a rule puts before the real body, or 0. */
export function paddingOf(rule: NetworkRule | undefined): { bytes: number; contentLength: boolean } | undefined {
  const b = rule?.behaviour;
  return typeof b === 'object' && 'hugeBytes' in b
    ? { bytes: b.hugeBytes, contentLength: b.contentLength !== false }
    : undefined;
}

/**
 * Writes `bytes` spaces then `body`: JSON allows leading whitespace, so the answer stays the real
 * one to a parser that reads it all. Streamed in 64 KiB chunks, honouring backpressure.
 */
export async function sendPadded(
  res: ServerResponse,
  status: number,
  headers: Record<string, string>,
  body: string | Buffer,
  pad: { bytes: number; contentLength: boolean },
): Promise<void> {
  const buf = typeof body === 'string' ? Buffer.from(body) : body;
  const h: Record<string, string> = { ...headers };
  if (pad.contentLength) h['content-length'] = String(pad.bytes + buf.length);
  res.writeHead(status, h);
  const chunk = Buffer.alloc(64 * 1024, 0x20);
  let left = pad.bytes;
  while (left > 0 && !res.destroyed) {
    const n = Math.min(left, chunk.length);
    left -= n;
    if (!res.write(n === chunk.length ? chunk : chunk.subarray(0, n))) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          res.off('drain', done);
          res.off('close', done);
          resolve();
        };
        res.on('drain', done);
        res.on('close', done);
      });
    }
  }
  if (!res.destroyed) res.end(buf);
}
