// Non-API HTTP: page shell with sessions, /packs/* assets, webfinger, actor documents, avatars.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { IncomingMessage } from 'node:http';
import type { Ctx } from './context.ts';
import { accountByAcct, accountById, fieldsForRead, noteHtml, parseAcct, type Account } from './accounts.ts';
import { contentSecurityPolicy, newNonce, renderShell } from './shell.ts';
import { formatText } from './text.ts';
import type { Reply } from './http.ts';

export const WEB_DIST = join(dirname(fileURLToPath(import.meta.url)), '..', 'web', 'dist');
export const SESSION_COOKIE = '_hush_test_session';

// 1x1 transparent PNG for avatars and headers (img-src 'self').
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.map': 'application/json',
  '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png', '.woff2': 'font/woff2', '.wasm': 'application/wasm',
};

const WEB_PREFIXES = ['/home', '/conversations', '/notifications', '/publish', '/statuses', '/timelines', '/deck', '/tags',
  '/explore', '/search', '/start', '/bookmarks', '/favourites', '/lists', '/directory', '/about', '/privacy-policy',
  '/getting-started', '/keyboard-shortcuts', '/follow_requests', '/blocks', '/mutes', '/domain_blocks', '/followed_tags',
  '/pinned', '/public', '/accounts', '/links', '/collections'];

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
  return { status, body, contentType: 'text/html; charset=utf-8', headers: { 'x-content-type-options': 'nosniff', 'referrer-policy': 'same-origin', ...headers } };
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
    ...(account ? { account } : {}), path: url.pathname, query: url.searchParams, nonce, csrf: randomBytes(32).toString('base64'),
  });
  return html(200, body, headers);
}

export async function staticPack(ctx: Ctx, path: string): Promise<Reply> {
  if (path === '/packs/hostile.js') {
    const h = ctx.settings.hostileScript;
    return h ? { status: 200, body: h.code, contentType: TYPES['.js'] ?? '' } : { status: 404, body: 'Not found', contentType: 'text/plain' };
  }
  let rel: string;
  try {
    rel = normalize(decodeURIComponent(path.slice('/packs/'.length)));
  } catch {
    return { status: 404, body: 'Not found', contentType: 'text/plain' };
  }
  const file = join(WEB_DIST, rel);
  if (rel.startsWith('..') || !file.startsWith(WEB_DIST + sep)) return { status: 404, body: 'Not found', contentType: 'text/plain' };
  try {
    const body = await readFile(file);
    return { status: 200, body, contentType: TYPES[extname(file)] ?? 'application/octet-stream', headers: { 'cache-control': 'no-cache' } };
  } catch {
    return { status: 404, body: 'Not found (has test/instance/web/build.mjs run?)', contentType: 'text/plain' };
  }
}

export function image(): Reply {
  return { status: 200, body: PNG, contentType: 'image/png', headers: { 'cache-control': 'max-age=3600' } };
}

export function webfinger(ctx: Ctx, url: URL): Reply {
  const resource = url.searchParams.get('resource') ?? '';
  const parsed = parseAcct(resource.replace(/^acct:/, ''));
  const a = parsed && (parsed.domain === null || parsed.domain === ctx.domain) ? accountByAcct(ctx, parsed.username, null) : undefined;
  if (!a) return { status: 404, json: { error: 'Not found' } };
  return {
    status: 200, contentType: 'application/jrd+json; charset=utf-8',
    json: {
      subject: `acct:${a.username}@${ctx.domain}`, aliases: [a.url, a.uri],
      links: [
        { rel: 'http://webfinger.net/rel/profile-page', type: 'text/html', href: a.url },
        { rel: 'self', type: 'application/activity+json', href: a.uri },
      ],
    },
  };
}

/** A minimal ActivityPub actor (fields as PropertyValue attachments with HTML values). */
export function actor(ctx: Ctx, username: string): Reply {
  const a = accountByAcct(ctx, username, null);
  if (!a) return { status: 404, json: { error: 'Record not found' } };
  const opts = { mention: () => undefined, tagUrl: (t: string) => `${ctx.origin}/tags/${t}`, singleLine: true };
  return {
    status: 200, contentType: 'application/activity+json; charset=utf-8',
    json: {
      '@context': ['https://www.w3.org/ns/activitystreams', { PropertyValue: 'schema:PropertyValue', value: 'schema:value' }],
      id: a.uri, type: 'Person', preferredUsername: a.username, name: a.displayName, summary: noteHtml(ctx, a), url: a.url,
      inbox: `${ctx.origin}/inbox`, outbox: `${a.uri}/outbox`, endpoints: { sharedInbox: `${ctx.origin}/inbox` },
      attachment: fieldsForRead(a).map((f) => ({ type: 'PropertyValue', name: f.name, value: formatText(f.value, opts) })),
    },
  };
}
