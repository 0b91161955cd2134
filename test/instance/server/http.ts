// A small router over node:http (no framework: the API surface is a flat list of routes).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Ctx } from './context.ts';
import { accountByToken, type Account } from './accounts.ts';
import type { ApiError } from './compose.ts';

export interface Req {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: Record<string, unknown>;
  rawBody: string;
  params: Record<string, string>;
  account: Account | undefined;
  raw: IncomingMessage;
  res: ServerResponse;
}

export interface Reply {
  status: number;
  json?: unknown;
  body?: string | Buffer;
  contentType?: string;
  headers?: Record<string, string>;
  /** The handler wrote the response itself (SSE). */
  streaming?: true;
}

export type Handler = (ctx: Ctx, req: Req) => Reply | Promise<Reply>;
export type Auth = 'none' | 'optional' | 'required';

export interface Route {
  method: string;
  pattern: string;
  parts: string[];
  handler: Handler;
  auth: Auth;
}

export const json = (value: unknown, status = 200, headers?: Record<string, string>): Reply => ({
  status,
  json: value,
  ...(headers ? { headers } : {}),
});
export const fail = (e: ApiError): Reply => ({ status: e.status, json: e.body });
export const notFound = (): Reply => json({ error: 'Record not found' }, 404);

export class Router {
  private readonly routes: Route[] = [];

  add(method: string, pattern: string, handler: Handler, auth: Auth = 'required'): this {
    this.routes.push({ method, pattern, parts: pattern.split('/').filter(Boolean), handler, auth });
    return this;
  }

  match(method: string, path: string): { route: Route; params: Record<string, string> } | undefined {
    const parts = path.split('/').filter(Boolean);
    for (const route of this.routes) {
      if (route.method !== method || route.parts.length !== parts.length) continue;
      const params: Record<string, string> = {};
      let ok = true;
      for (let i = 0; i < parts.length && ok; i++) {
        const want = route.parts[i] ?? '';
        const got = parts[i] ?? '';
        if (want.startsWith(':')) {
          try {
            params[want.slice(1)] = decodeURIComponent(got);
          } catch {
            ok = false;
          }
        } else ok = want === got;
      }
      if (ok) return { route, params };
    }
    return undefined;
  }
}

export function bearer(req: IncomingMessage, query: URLSearchParams): string {
  const h = req.headers.authorization ?? '';
  const m = /^Bearer\s+(\S+)$/i.exec(h);
  return m?.[1] ?? query.get('access_token') ?? '';
}

export async function readBody(req: IncomingMessage, limit = 2_000_000): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const b = chunk as Buffer;
    size += b.length;
    if (size > limit) return undefined;
    chunks.push(b);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Rails-style nesting: a[b][c]=v, a[]=v (arrays), a[0][name]=v (index hashes). */
export function setNested(target: Record<string, unknown>, key: string, value: string): void {
  const m = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(key);
  if (!m?.[1]) return;
  const path = [m[1], ...[...(m[2] ?? '').matchAll(/\[([^[\]]*)\]/g)].map((x) => x[1] ?? '')];
  if (path.some((p) => p === '__proto__' || p === 'constructor' || p === 'prototype')) return;
  let node: Record<string, unknown> | unknown[] = target;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i] ?? '';
    const last = i === path.length - 1;
    const nextIsArray = path[i + 1] === '';
    if (Array.isArray(node)) {
      if (last) node.push(value);
      else {
        const child = nextIsArray ? [] : {};
        node.push(child);
        node = child;
      }
      continue;
    }
    if (last) {
      node[seg] = value;
      break;
    }
    const existing = node[seg];
    if (typeof existing !== 'object' || existing === null) node[seg] = nextIsArray ? [] : {};
    node = node[seg] as Record<string, unknown> | unknown[];
  }
}

function parseMultipart(body: string, boundary: string): Record<string, unknown> {
  const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const part of body.split(`--${boundary}`)) {
    const sep = part.indexOf('\r\n\r\n');
    if (sep < 0) continue;
    const head = part.slice(0, sep);
    const name = /name="([^"]*)"/i.exec(head)?.[1];
    if (name === undefined || /filename=/i.test(head)) continue; // Media is not supported.
    setNested(out, name, part.slice(sep + 4).replace(/\r\n$/, ''));
  }
  return out;
}

/** JSON, form-urlencoded or multipart text fields into one params object (as Rails does). */
export function parseParams(
  contentType: string,
  raw: string,
  query: URLSearchParams,
): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const [k, v] of query) setNested(out, k, v);
  if (raw === '') return out;
  if (contentType.includes('application/json')) {
    try {
      const v: unknown = JSON.parse(raw);
      if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
      for (const [k, val] of Object.entries(v)) if (k !== '__proto__') out[k] = val;
      return out;
    } catch {
      return undefined;
    }
  }
  if (contentType.includes('multipart/form-data')) {
    const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
    const b = boundary?.[1] ?? boundary?.[2];
    return b === undefined ? undefined : Object.assign(out, parseMultipart(raw, b));
  }
  for (const [k, v] of new URLSearchParams(raw)) setNested(out, k, v);
  return out;
}

export function authenticate(ctx: Ctx, req: IncomingMessage, query: URLSearchParams): Account | undefined {
  return accountByToken(ctx, bearer(req, query));
}

/** RFC 8288 Link header with Mastodon's max_id (next, older) and min_id (prev, newer) cursors. */
export function linkHeader(
  ctx: Ctx,
  path: string,
  query: URLSearchParams,
  ids: string[],
  cursor?: { next?: string | null; prev?: string },
): Record<string, string> {
  if (ids.length === 0) return {};
  const next = cursor?.next === null ? null : (cursor?.next ?? ids[ids.length - 1]);
  const prev = cursor?.prev ?? ids[0];
  const make = (key: 'max_id' | 'min_id', id: string | undefined): string => {
    const q = new URLSearchParams(query);
    q.delete('max_id');
    q.delete('min_id');
    q.delete('since_id');
    q.delete('access_token');
    q.set(key, id ?? '');
    return `<${ctx.origin}${path}?${q.toString()}>`;
  };
  const prevLink = `${make('min_id', prev)}; rel="prev"`;
  return { link: next === null ? prevLink : `${make('max_id', next)}; rel="next", ${prevLink}` };
}

export function pageParams(
  query: URLSearchParams,
  defaultLimit = 20,
  maxLimit = 40,
): { limit: number; maxId: string | null; sinceId: string | null; minId: string | null } {
  const n = Number.parseInt(query.get('limit') ?? '', 10);
  const id = (k: string): string | null => {
    const v = query.get(k);
    return v !== null && /^[0-9]{1,20}$/.test(v) ? v : null;
  };
  return {
    limit: Number.isFinite(n) && n > 0 ? Math.min(n, maxLimit) : defaultLimit,
    maxId: id('max_id'),
    sinceId: id('since_id'),
    minId: id('min_id'),
  };
}

export type { Account };
