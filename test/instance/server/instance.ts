// One instance: its database, public HTTP server (web + REST + inbox) and request dispatch.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Ctx } from './context.ts';
import { bearer, parseParams, readBody, Router, type Reply, type Req } from './http.ts';
import { checkApiAccess, isOauthPath, lookupToken, oauthApiRoutes, oauthDispatch } from './oauth.ts';
import { accountRoutes } from './api-accounts.ts';
import { statusRoutes } from './api-statuses.ts';
import { miscRoutes } from './api-misc.ts';
import { receive } from './inbox.ts';
import type { Duplex } from 'node:stream';
import { acceptStreamingUpgrade, isStreamingUpgradePath, refuseUpgrade } from './websocket.ts';
import { faultBefore, paddingOf, recordRequest, ruleFor, sendPadded, truncationOf } from './network.ts';
import { rateLimitEnd } from './adversary-state.ts';
import { actor, image, isPublicGetCorsPath, isWebRoute, publicGetCors, staticPack, webApp, webfinger } from './web.ts';

export const router = new Router();
accountRoutes(router);
statusRoutes(router);
miscRoutes(router);
oauthApiRoutes(router);

const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'POST, PUT, DELETE, GET, PATCH, OPTIONS',
  'access-control-allow-headers': 'Authorization, Content-Type, Idempotency-Key, X-CSRF-Token',
  'access-control-expose-headers':
    'Link, X-RateLimit-Reset, X-RateLimit-Limit, X-RateLimit-Remaining, X-Request-Id, Idempotency-Key',
};

/**
 * Writes a reply; with `pad` (the adversary's huge body) the body comes after that many spaces;
 * with `cut` only the body's first `cut` bytes are sent under the full Content-Length, then the
 * connection is closed (a truncated answer).
 */
export function send(
  res: ServerResponse,
  r: Reply,
  pad?: { bytes: number; contentLength: boolean },
  cut?: number,
): void {
  if (r.streaming) return;
  const headers: Record<string, string> = { ...r.headers };
  let body: string | Buffer = '';
  if (r.json !== undefined) {
    body = JSON.stringify(r.json);
    headers['content-type'] = r.contentType ?? 'application/json; charset=utf-8';
  } else if (r.body !== undefined) {
    body = r.body;
    headers['content-type'] = r.contentType ?? 'text/plain; charset=utf-8';
  }
  if (pad) {
    sendPadded(res, r.status, headers, body, pad).catch(() => res.destroy());
    return;
  }
  if (cut !== undefined) {
    const buf = typeof body === 'string' ? Buffer.from(body) : body;
    res.writeHead(r.status, { ...headers, 'content-length': String(buf.length) });
    res.write(buf.subarray(0, Math.min(cut, Math.max(0, buf.length - 1))), () => res.destroy());
    return;
  }
  res.writeHead(r.status, headers);
  res.end(body);
}

async function api(ctx: Ctx, req: IncomingMessage, res: ServerResponse, url: URL, method: string): Promise<Reply> {
  if (method === 'OPTIONS') return { status: 204, headers: CORS };
  const found = router.match(method, url.pathname);
  if (!found) return { status: 404, json: { error: 'Not found' }, headers: CORS };
  // Doorkeeper: a presented token must be valid (and not revoked) and carry one of the route's
  // scopes; Mastodon's refusals are 401 / 403 JSON (oauth.ts).
  const presented = bearer(req, url.searchParams);
  const token = lookupToken(ctx, presented);
  const refusal = checkApiAccess(method, found.route.pattern, found.route.auth, presented, token);
  if (refusal) return { ...refusal, headers: { ...CORS, ...refusal.headers } };
  const account = token.kind === 'valid' ? token.account : undefined;
  const raw = method === 'GET' || method === 'HEAD' ? '' : await readBody(req);
  if (raw === undefined) return { status: 413, json: { error: 'Request entity too large' }, headers: CORS };
  const body = parseParams(req.headers['content-type'] ?? '', raw, url.searchParams);
  if (!body) return { status: 400, json: { error: 'Error occurred while parsing request parameters.' }, headers: CORS };
  const r: Req = {
    method,
    path: url.pathname,
    query: url.searchParams,
    headers: req.headers,
    body,
    rawBody: raw,
    params: found.params,
    account,
    raw: req,
    res,
  };
  const reply = await found.route.handler(ctx, r);
  return { ...reply, headers: { ...CORS, ...reply.headers } };
}

function headerOf(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(', ') : v;
}

function withHeaders(r: Reply, headers: Record<string, string>): Reply {
  return Object.keys(headers).length === 0 ? r : { ...r, headers: { ...r.headers, ...headers } };
}

async function dispatch(ctx: Ctx, req: IncomingMessage, res: ServerResponse): Promise<Reply> {
  const url = new URL(req.url ?? '/', ctx.origin);
  const method = req.method ?? 'GET';
  const path = url.pathname;
  if (path.startsWith('/api/')) return api(ctx, req, res, url, method);
  if (isOauthPath(path)) {
    let body: Record<string, unknown> | undefined;
    if (method === 'POST' || method === 'DELETE') {
      const raw = await readBody(req, 100_000);
      if (raw === undefined) return { status: 413, json: { error: 'Request entity too large' } };
      body = parseParams(req.headers['content-type'] ?? '', raw, new URLSearchParams());
      if (!body)
        return {
          status: 400,
          json: {
            error: 'invalid_request',
            error_description:
              'The request is missing a required parameter, includes an unsupported parameter value, or is otherwise malformed.',
          },
        };
    }
    const r = oauthDispatch(ctx, req, url, method, body);
    if (r) return r;
  }
  if (path === '/inbox' && method === 'POST') {
    const raw = await readBody(req);
    if (raw === undefined) return { status: 413, json: { error: 'too large' } };
    const from = req.headers['x-hush-federation-domain'];
    const sig = req.headers['x-hush-federation-signature'];
    const r = await receive(ctx, typeof from === 'string' ? from : '', typeof sig === 'string' ? sig : '', raw);
    return r.ok ? { status: r.status, json: {} } : { status: r.status, json: { error: r.error } };
  }
  const cors = isPublicGetCorsPath(path)
    ? publicGetCors(req.headers.origin, method, headerOf(req, 'access-control-request-headers'))
    : {};
  if (method === 'OPTIONS' && isPublicGetCorsPath(path)) return { status: 200, body: '', headers: cors };
  if (method !== 'GET' && method !== 'HEAD') return { status: 405, body: 'Method not allowed' };
  if (path === '/.well-known/webfinger') return withHeaders(webfinger(ctx, url), cors);
  const actorMatch = /^\/users\/([A-Za-z0-9_]+)$/.exec(path);
  if (actorMatch?.[1]) {
    const accept = req.headers.accept ?? '';
    return withHeaders(
      /activity\+json|ld\+json/.test(accept)
        ? actor(ctx, actorMatch[1])
        : { status: 302, headers: { location: `/@${actorMatch[1]}` } },
      cors,
    );
  }
  if (path.startsWith('/packs/')) return staticPack(ctx, path);
  if (/^\/(avatars|headers)\/original\/missing\.png$/.test(path)) return image();
  // Placeholder media and preview-card images of adversary-patched statuses.
  if (/^\/system\/[\w/.-]+\.png$/.test(path)) return image();
  if (path === '/favicon.ico') return { status: 204 };
  if (isWebRoute(path)) return withHeaders(webApp(ctx, req, url), cors);
  return { status: 404, body: 'Not found' };
}

/** WebSocket upgrades: logged and faulted like requests, then the streaming API (websocket.ts). */
function upgrade(ctx: Ctx, req: IncomingMessage, socket: Duplex, head: Buffer): void {
  socket.on('error', () => socket.destroy());
  const url = new URL(req.url ?? '/', ctx.origin);
  recordRequest(ctx, req, url, true);
  const b = ruleFor(ctx, url.pathname)?.behaviour;
  if (b === 'down') return refuseUpgrade(socket, 503, 'Service Unavailable');
  if (b === 'reset') {
    socket.destroy();
    return;
  }
  if (b === 'hang') return;
  if (rateLimitEnd(ruleFor(ctx, url.pathname)) !== null) return refuseUpgrade(socket, 429, 'Too Many Requests');
  if (!isStreamingUpgradePath(url.pathname)) return refuseUpgrade(socket, 404, 'Not found');
  const delay = typeof b === 'object' && 'delayMs' in b ? b.delayMs : 0;
  if (delay === 0) acceptStreamingUpgrade(ctx, req, socket, head, url);
  else setTimeout(() => acceptStreamingUpgrade(ctx, req, socket, head, url), delay).unref();
}

export function createInstanceServer(ctx: Ctx): Server {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', ctx.origin);
    recordRequest(ctx, req, url, false);
    const rule = ruleFor(ctx, url.pathname);
    faultBefore(rule, req, res)
      .then((handled) => (handled ? undefined : dispatch(ctx, req, res)))
      .then(
        (r) => {
          if (r === undefined) return;
          ctx.db.flush(); // Whatever the client learns from this reply is already on disk.
          send(res, r, paddingOf(rule), truncationOf(rule));
        },
        (e: unknown) => {
          ctx.db.flush();
          // A bug must not take the instance down; answer 500 as Rails would.
          console.error(`[${ctx.domain}] ${req.method ?? ''} ${req.url ?? ''}:`, e);
          if (!res.headersSent) send(res, { status: 500, json: { error: 'Internal server error' } });
          else res.end();
        },
      );
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => upgrade(ctx, req, socket, head));
  return server;
}

export function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const addr = server.address();
      resolve(typeof addr === 'object' && addr !== null ? addr.port : port);
    });
  });
}
