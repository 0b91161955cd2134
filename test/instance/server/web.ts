// Non-API HTTP: page shell with sessions, /packs/* assets, webfinger, actor documents, avatars.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { IncomingMessage } from 'node:http';
import type { Ctx } from './context.ts';
import { accountByAcct, accountById, claimedIdentity, fieldsForRead, noteHtml, type Account } from './accounts.ts';
import { contentSecurityPolicy, newNonce, renderShell } from './shell.ts';
import { formatText } from './text.ts';
import type { Reply } from './http.ts';

export const WEB_DIST = join(dirname(fileURLToPath(import.meta.url)), '..', 'web', 'dist');
export const SESSION_COOKIE = '_hush_test_session';

// 1x1 transparent PNG for avatars and headers (img-src 'self').
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
  'base64',
);

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
};

const WEB_PREFIXES = [
  '/home',
  '/conversations',
  '/notifications',
  '/publish',
  '/statuses',
  '/timelines',
  '/deck',
  '/tags',
  '/explore',
  '/search',
  '/start',
  '/bookmarks',
  '/favourites',
  '/lists',
  '/directory',
  '/about',
  '/privacy-policy',
  '/getting-started',
  '/keyboard-shortcuts',
  '/follow_requests',
  '/blocks',
  '/mutes',
  '/domain_blocks',
  '/followed_tags',
  '/pinned',
  '/public',
  '/accounts',
  '/links',
  '/collections',
];

export function isWebRoute(path: string): boolean {
  return path === '/' || path.startsWith('/@') || WEB_PREFIXES.some((p) => path === p || path.startsWith(`${p}/`));
}

function cookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return undefined;
}

function html(status: number, body: string, headers: Record<string, string> = {}): Reply {
  return {
    status,
    body,
    contentType: 'text/html; charset=utf-8',
    headers: { 'x-content-type-options': 'nosniff', 'referrer-policy': 'same-origin', ...headers },
  };
}

/** GET /?as=alice signs the browser in as alice (cookie); any web route then serves her shell. */
export function webApp(ctx: Ctx, req: IncomingMessage, url: URL): Reply {
  const headers: Record<string, string> = {};
  let account: Account | undefined;
  const as = url.searchParams.get('as');
  if (as !== null) {
    account = accountByAcct(ctx, as, null);
    if (!account) return html(404, '<!DOCTYPE html><title>Unknown user</title><p>No such local user.</p>');
    const sid = randomBytes(24).toString('base64url');
    ctx.sessions.set(sid, account.id);
    headers['set-cookie'] = `${SESSION_COOKIE}=${sid}; Path=/; HttpOnly; SameSite=Lax`;
  } else {
    const sid = cookie(req, SESSION_COOKIE);
    const id = sid === undefined ? undefined : ctx.sessions.get(sid);
    account = id === undefined ? undefined : accountById(ctx, id);
  }
  if (url.pathname === '/' && account) return { status: 302, headers: { ...headers, location: '/home' } };
  const nonce = newNonce();
  headers['content-security-policy'] = contentSecurityPolicy(ctx, nonce);
  headers['x-frame-options'] = 'DENY';
  headers['cache-control'] = 'no-store';
  const body = renderShell(ctx, {
    ...(account ? { account } : {}),
    path: url.pathname,
    query: url.searchParams,
    nonce,
    csrf: randomBytes(32).toString('base64'),
  });
  return html(200, body, headers);
}

export async function staticPack(ctx: Ctx, path: string): Promise<Reply> {
  if (path === '/packs/hostile.js') {
    const h = ctx.settings.hostileScript;
    return h
      ? { status: 200, body: h.code, contentType: TYPES['.js'] ?? '' }
      : { status: 404, body: 'Not found', contentType: 'text/plain' };
  }
  let rel: string;
  try {
    rel = normalize(decodeURIComponent(path.slice('/packs/'.length)));
  } catch {
    return { status: 404, body: 'Not found', contentType: 'text/plain' };
  }
  const file = join(WEB_DIST, rel);
  if (rel.startsWith('..') || !file.startsWith(WEB_DIST + sep))
    return { status: 404, body: 'Not found', contentType: 'text/plain' };
  try {
    const body = await readFile(file);
    return {
      status: 200,
      body,
      contentType: TYPES[extname(file)] ?? 'application/octet-stream',
      headers: { 'cache-control': 'no-cache' },
    };
  } catch {
    return { status: 404, body: 'Not found (has test/instance/web/build.mjs run?)', contentType: 'text/plain' };
  }
}

export function image(): Reply {
  return { status: 200, body: PNG, contentType: 'image/png', headers: { 'cache-control': 'max-age=3600' } };
}

/** The web host (LOCAL_DOMAIN and WEB_DOMAIN differ here: a.test vs 127.0.0.1:PORT). */
function webDomain(ctx: Ctx): string {
  return new URL(ctx.origin).host;
}

/** WebfingerResource#account: acct:user@domain (local or web domain) or a profile/actor URL. */
function webfingerAccount(ctx: Ctx, resource: string): Account | 'bad_request' | undefined {
  if (/^https?/i.test(resource)) {
    let path: string;
    try {
      path = new URL(resource).pathname;
    } catch {
      return undefined;
    }
    const m = /^\/(?:@|users\/)([A-Za-z0-9_]+)\/?$/.exec(path);
    return m?.[1] ? accountByAcct(ctx, m[1], null) : undefined;
  }
  if (!resource.includes('@')) return 'bad_request';
  const parts = resource.replace(/^acct:/, '').split('@');
  const username = parts[0] ?? '';
  const domain = (parts[parts.length - 1] ?? '').replace(/\/$/, '').toLowerCase();
  if (domain !== ctx.domain && domain !== webDomain(ctx).toLowerCase()) return undefined;
  return username === '' ? undefined : accountByAcct(ctx, username, null);
}

/**
 * GET /.well-known/webfinger (WellKnown::WebfingerController + WebfingerSerializer): local accounts
 * only; 400 without a usable resource, 404 (empty body) for anyone else; cacheable; CORS for GET.
 * The identity shown follows an adversary's rewriteAccount, like every other answer.
 */
export function webfinger(ctx: Ctx, url: URL): Reply {
  const resource = url.searchParams.get('resource') ?? '';
  const errorCache = { 'cache-control': 'max-age=180, public' };
  if (resource.trim() === '') return { status: 400, body: '', headers: errorCache };
  const a = webfingerAccount(ctx, resource);
  if (a === 'bad_request') return { status: 400, body: '', headers: errorCache };
  if (!a) return { status: 404, body: '', headers: errorCache };
  const id = claimedIdentity(ctx, a);
  return {
    status: 200,
    contentType: 'application/jrd+json; charset=utf-8',
    headers: { 'cache-control': 'max-age=259200, public' },
    json: {
      subject: `acct:${a.username}@${ctx.domain}`,
      aliases: [id.url, id.uri],
      links: [
        { rel: 'http://webfinger.net/rel/profile-page', type: 'text/html', href: id.url },
        { rel: 'self', type: 'application/activity+json', href: id.uri },
        { rel: 'http://ostatus.org/schema/1.0/subscribe', template: `${ctx.origin}/authorize_interaction?uri={uri}` },
        { rel: 'https://w3id.org/fep/3b86/Create', template: `${ctx.origin}/share?text={content}` },
        { rel: 'https://w3id.org/fep/3b86/Object', template: `${ctx.origin}/authorize_interaction?uri={object}` },
      ],
    },
  };
}

/** rack-cors as config/initializers/cors.rb sets it up for GET-only public paths (/.well-known/*, /@user, /users/user). */
export function publicGetCors(
  origin: string | undefined,
  method: string,
  requestHeaders: string | undefined,
): Record<string, string> {
  if (origin === undefined) return {};
  const h: Record<string, string> = { 'access-control-allow-origin': '*' };
  if (method === 'OPTIONS') {
    h['access-control-allow-methods'] = 'GET';
    if (requestHeaders !== undefined) h['access-control-allow-headers'] = requestHeaders;
    h['access-control-max-age'] = '7200';
  }
  return h;
}

export function isPublicGetCorsPath(path: string): boolean {
  return path.startsWith('/.well-known/') || /^\/@[A-Za-z0-9_]+$/.test(path) || /^\/users\/[A-Za-z0-9_]+$/.test(path);
}

/** A minimal ActivityPub actor (fields as PropertyValue attachments with HTML values). */
export function actor(ctx: Ctx, username: string): Reply {
  const a = accountByAcct(ctx, username, null);
  if (!a) return { status: 404, json: { error: 'Record not found' } };
  const opts = { mention: () => undefined, tagUrl: (t: string) => `${ctx.origin}/tags/${t}`, singleLine: true };
  return {
    status: 200,
    contentType: 'application/activity+json; charset=utf-8',
    json: {
      '@context': [
        'https://www.w3.org/ns/activitystreams',
        { PropertyValue: 'schema:PropertyValue', value: 'schema:value' },
      ],
      id: a.uri,
      type: 'Person',
      preferredUsername: a.username,
      name: a.displayName,
      summary: noteHtml(ctx, a),
      url: a.url,
      inbox: `${ctx.origin}/inbox`,
      outbox: `${a.uri}/outbox`,
      endpoints: { sharedInbox: `${ctx.origin}/inbox` },
      attachment: fieldsForRead(a).map((f) => ({
        type: 'PropertyValue',
        name: f.name,
        value: formatText(f.value, opts),
      })),
    },
  };
}
