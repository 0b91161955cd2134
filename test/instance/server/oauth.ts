// Mastodon's OAuth 2 (Doorkeeper, config/initializers/doorkeeper.rb) as far as a client sees it:
// app registration (Api::V1::AppsController), the authorization endpoint with a consent page
// (OAuth::AuthorizationsController + oauth/authorizations/new.html.haml), the token endpoint with
// authorization_code + PKCE (S256 only) and client_credentials, revocation (RFC 7009), and the
// scope check every API controller makes (`doorkeeper_authorize!` / `authorize_if_got_token!`).
// Written from Mastodon's and Doorkeeper's documented behaviour; no code copied.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Ctx } from './context.ts';
import { nowIso } from './context.ts';
import { accountById, rowToAccount, type Account } from './accounts.ts';
import { str, strOrNull } from './db.ts';
import { json, type Reply, type Router } from './http.ts';
import { SESSION_COOKIE } from './web.ts';

/** Every scope Mastodon knows (default `read`, the rest optional). `enforce_configured_scopes`. */
export const KNOWN_SCOPES = new Set([
  'profile',
  'read',
  'write',
  'follow',
  'push',
  ...[
    'accounts',
    'blocks',
    'bookmarks',
    'collections',
    'favourites',
    'filters',
    'follows',
    'lists',
    'mutes',
    'notifications',
    'search',
    'statuses',
  ].map((s) => `read:${s}`),
  ...[
    'accounts',
    'blocks',
    'bookmarks',
    'collections',
    'conversations',
    'favourites',
    'filters',
    'follows',
    'lists',
    'media',
    'mutes',
    'notifications',
    'reports',
    'statuses',
  ].map((s) => `write:${s}`),
  'admin:read',
  'admin:write',
  ...[
    'accounts',
    'reports',
    'domain_allows',
    'domain_blocks',
    'ip_blocks',
    'email_domain_blocks',
    'canonical_email_blocks',
  ].flatMap((s) => [`admin:read:${s}`, `admin:write:${s}`]),
]);

/** The web app's own token (meta.access_token) has Mastodon's web scopes. */
export const WEB_SCOPES = ['read', 'write', 'follow', 'push'];

const GRANT_TTL_MS = 10 * 60 * 1000; // Doorkeeper's authorization_code_expires_in default.

export type TokenLookup =
  | { kind: 'valid'; account: Account | undefined; scopes: string[]; applicationId: string | null }
  | { kind: 'revoked' }
  | { kind: 'unknown' };

export function parseScopes(s: string): string[] {
  return s.split(/[\s+]+/).filter(Boolean);
}

/** A token: the web session's (accounts.token, web scopes) or an OAuth token. */
export function lookupToken(ctx: Ctx, token: string): TokenLookup {
  if (token === '') return { kind: 'unknown' };
  const web = ctx.db.get('SELECT * FROM accounts WHERE token = ? AND domain IS NULL', [token]);
  if (web) return { kind: 'valid', account: rowToAccount(web), scopes: WEB_SCOPES, applicationId: null };
  const row = ctx.db.get('SELECT * FROM oauth_access_tokens WHERE token = ?', [token]);
  if (!row) return { kind: 'unknown' };
  if (row.revoked_at !== null) return { kind: 'revoked' };
  const owner = strOrNull(row, 'resource_owner_id');
  return {
    kind: 'valid',
    account: owner === null ? undefined : accountById(ctx, owner),
    scopes: parseScopes(str(row, 'scopes')),
    applicationId: str(row, 'application_id'),
  };
}

/**
 * Scopes per API route, as the controllers' `doorkeeper_authorize!` lists them (any one suffices).
 * `optional: true` is `authorize_if_got_token!`: checked only when a token is presented.
 * Routes not listed here are not scope-checked (the boot endpoints the web UI calls).
 */
const ROUTE_SCOPES: Record<string, { any: string[]; optional?: true }> = {
  'GET /api/v1/accounts/verify_credentials': { any: ['profile', 'read', 'read:accounts'] },
  'PATCH /api/v1/accounts/update_credentials': { any: ['write', 'write:accounts'] },
  'GET /api/v1/accounts/search': { any: ['read', 'read:accounts'] },
  'GET /api/v1/accounts/relationships': { any: ['read', 'read:follows'] },
  'GET /api/v1/accounts/:id': { any: ['read', 'read:accounts'], optional: true },
  'GET /api/v1/accounts/:id/statuses': { any: ['read', 'read:statuses'], optional: true },
  'GET /api/v2/search': { any: ['read', 'read:search'], optional: true },
  'POST /api/v1/statuses': { any: ['write', 'write:statuses'] },
  'PUT /api/v1/statuses/:id': { any: ['write', 'write:statuses'] },
  'DELETE /api/v1/statuses/:id': { any: ['write', 'write:statuses'] },
  'GET /api/v1/statuses/:id': { any: ['read', 'read:statuses'], optional: true },
  'GET /api/v1/statuses/:id/source': { any: ['read', 'read:statuses'] },
  'GET /api/v1/statuses/:id/context': { any: ['read', 'read:statuses'], optional: true },
  'GET /api/v1/statuses/:id/history': { any: ['read', 'read:statuses'], optional: true },
  'GET /api/v1/timelines/home': { any: ['read', 'read:statuses'] },
  'GET /api/v1/conversations': { any: ['read', 'read:statuses'] },
  'POST /api/v1/conversations/:id/read': { any: ['write', 'write:conversations'] },
  'POST /api/v1/conversations/:id/unread': { any: ['write', 'write:conversations'] },
  'DELETE /api/v1/conversations/:id': { any: ['write', 'write:conversations'] },
  'GET /api/v1/notifications': { any: ['read', 'read:notifications'] },
  'GET /api/v2/notifications': { any: ['read', 'read:notifications'] },
  'GET /api/v1/notifications/:id': { any: ['read', 'read:notifications'] },
  'GET /api/v1/markers': { any: ['read', 'read:statuses'] },
  'POST /api/v1/markers': { any: ['write', 'write:statuses'] },
  'GET /api/v1/streaming/user': { any: ['read', 'read:statuses'] },
  'GET /api/v1/streaming/direct': { any: ['read', 'read:statuses'] },
};

/** Mastodon's render options for Doorkeeper's refusals (Api::BaseController). */
export const NOT_AUTHORIZED = 'The access token is invalid';
export const OUTSIDE_SCOPES = 'This action is outside the authorized scopes';

/**
 * The API's authentication and scope decision for one route (method + pattern as registered).
 * Answers the refusal to send, or undefined to go on.
 */
export function checkApiAccess(
  method: string,
  pattern: string,
  auth: 'none' | 'optional' | 'required',
  presented: string,
  found: TokenLookup,
): Reply | undefined {
  if (auth === 'none') return undefined;
  const rule = ROUTE_SCOPES[`${method} ${pattern}`];
  const checked = auth === 'required' || presented !== '';
  if (!checked) return undefined;
  if (found.kind === 'revoked') return json({ error: 'The access token was revoked' }, 401);
  if (found.kind === 'unknown') return json({ error: NOT_AUTHORIZED }, 401);
  if (rule && !rule.any.some((s) => found.scopes.includes(s))) return json({ error: OUTSIDE_SCOPES }, 403);
  if (auth === 'required' && !found.account) return json({ error: 'This method requires an authenticated user' }, 422);
  return undefined;
}

/** The streaming server's checkScopes: `read`, or `read:statuses` (`read:notifications` for user:notification). */
export function streamAllowed(scopes: string[], channel: string): boolean {
  return (
    scopes.includes('read') || scopes.includes(channel === 'user:notification' ? 'read:notifications' : 'read:statuses')
  );
}

// --- Applications -------------------------------------------------------------------------

interface App {
  id: string;
  name: string;
  uid: string;
  secret: string;
  redirectUris: string[];
  scopes: string[];
  website: string | null;
}

function appByUid(ctx: Ctx, uid: string): App | undefined {
  const r = ctx.db.get('SELECT * FROM oauth_applications WHERE uid = ?', [uid]);
  if (!r) return undefined;
  return {
    id: str(r, 'id'),
    name: str(r, 'name'),
    uid: str(r, 'uid'),
    secret: str(r, 'secret'),
    redirectUris: str(r, 'redirect_uri').split('\n').filter(Boolean),
    scopes: parseScopes(str(r, 'scopes')),
    website: strOrNull(r, 'website'),
  };
}

function appJson(ctx: Ctx, app: App, withCredentials: boolean): Record<string, unknown> {
  return {
    id: app.id,
    name: app.name,
    website: app.website,
    scopes: app.scopes,
    redirect_uris: app.redirectUris,
    vapid_key: 'BHush-test-instance-no-web-push',
    redirect_uri: app.redirectUris.join('\n'),
    ...(withCredentials ? { client_id: app.uid, client_secret: app.secret, client_secret_expires_at: 0 } : {}),
  };
}

/** Doorkeeper's redirect URI validation: absolute, no fragment, not data/vbscript/javascript; or the OOB URN. */
function validRedirectUri(u: string): boolean {
  if (u === 'urn:ietf:wg:oauth:2.0:oob') return true;
  try {
    const url = new URL(u);
    if (url.hash !== '') return false;
    return !['data:', 'vbscript:', 'javascript:'].includes(url.protocol);
  } catch {
    return false;
  }
}

function createApp(ctx: Ctx, body: Record<string, unknown>): Reply {
  const name = typeof body.client_name === 'string' ? body.client_name.trim() : '';
  const raw = body.redirect_uris;
  const uris = (
    Array.isArray(raw)
      ? raw.filter((x): x is string => typeof x === 'string')
      : typeof raw === 'string'
        ? raw.split(/[\n ]+/)
        : []
  )
    .map((x) => x.trim())
    .filter(Boolean);
  const scopes = parseScopes(typeof body.scopes === 'string' ? body.scopes : 'read');
  const errors: string[] = [];
  if (name === '') errors.push("Name can't be blank");
  else if (name.length > 60) errors.push('Name is too long (maximum is 60 characters)');
  if (uris.length === 0) errors.push("Redirect URI can't be blank");
  else if (!uris.every(validRedirectUri)) errors.push('Redirect URI must be an absolute URI.');
  if (scopes.length === 0 || !scopes.every((s) => KNOWN_SCOPES.has(s))) errors.push('Scopes must be a valid scope');
  if (errors.length > 0) return json({ error: `Validation failed: ${errors.join(', ')}` }, 422);
  const app: App = {
    id: ctx.ids.next(),
    name,
    uid: randomBytes(32).toString('base64url'),
    secret: randomBytes(32).toString('base64url'),
    redirectUris: uris,
    scopes,
    website: typeof body.website === 'string' && body.website.trim() !== '' ? body.website.trim() : null,
  };
  ctx.db.run(
    'INSERT INTO oauth_applications (id, name, uid, secret, redirect_uri, scopes, website, created_at) VALUES (?,?,?,?,?,?,?,?)',
    [app.id, app.name, app.uid, app.secret, app.redirectUris.join('\n'), app.scopes.join(' '), app.website, nowIso()],
  );
  return json(appJson(ctx, app, true));
}

// --- Sessions (the browser's sign-in on this instance) ------------------------------------

function cookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return undefined;
}

function sessionOf(ctx: Ctx, req: IncomingMessage): { sid: string; account: Account } | undefined {
  const sid = cookie(req, SESSION_COOKIE);
  const id = sid === undefined ? undefined : ctx.sessions.get(sid);
  const account = id === undefined ? undefined : accountById(ctx, id);
  return sid !== undefined && account ? { sid, account } : undefined;
}

/** authenticity_token: bound to the session (a page of another origin cannot read it). */
function csrfFor(ctx: Ctx, sid: string): string {
  return createHmac('sha256', ctx.secret).update(`csrf\n${ctx.domain}\n${sid}`).digest('base64url');
}

function sameString(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(status: number, title: string, body: string, headers: Record<string, string> = {}): Reply {
  return {
    status,
    contentType: 'text/html; charset=utf-8',
    body: `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title><meta name="viewport" content="width=device-width"></head><body><main class="form-container">${body}</main></body></html>`,
    headers: {
      // Mastodon's authorize page: no framing, and form-action unrestricted (the redirect may be any scheme).
      'content-security-policy': "default-src 'none'; style-src 'none'; frame-ancestors 'none'; base-uri 'none'",
      'x-frame-options': 'DENY',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'same-origin',
      ...headers,
    },
  };
}

// --- Authorization endpoint -----------------------------------------------------------------

interface PreAuth {
  app: App;
  redirectUri: string;
  scopes: string[];
  state: string | null;
  challenge: string | null;
  challengeMethod: string | null;
}

type PreAuthResult = { ok: true; pre: PreAuth } | { ok: false; reply: Reply };

const DESCRIPTIONS: Record<string, string> = {
  invalid_request:
    'The request is missing a required parameter, includes an unsupported parameter value, or is otherwise malformed.',
  invalid_client:
    'Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.',
  invalid_grant:
    'The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.',
  invalid_redirect_uri: 'The redirect uri included is not valid.',
  invalid_scope: 'The requested scope is invalid, unknown, or malformed.',
  unsupported_grant_type: 'The authorization grant type is not supported by the authorization server.',
  unsupported_response_type: 'The authorization server does not support this response type.',
  invalid_code_challenge_method: 'The code_challenge_method must be S256.',
  access_denied: 'The resource owner or authorization server denied the request.',
  unauthorized_client: 'You are not authorized to revoke this token',
};

function errorPage(code: string): Reply {
  return page(
    400,
    'An error has occurred',
    `<h1>An error has occurred</h1><pre>${esc(DESCRIPTIONS[code] ?? code)}</pre>`,
  );
}

function redirectWith(redirectUri: string, params: Record<string, string | null>): Reply {
  const url = new URL(redirectUri);
  for (const [k, v] of Object.entries(params)) if (v !== null) url.searchParams.set(k, v);
  return { status: 302, headers: { location: url.toString(), 'cache-control': 'no-store' } };
}

function param(p: Record<string, unknown>, k: string): string | null {
  const v = p[k];
  return typeof v === 'string' && v !== '' ? v : null;
}

/** Doorkeeper's PreAuthorization: client and redirect URI errors show a page; the rest go back to the client. */
function preAuthorize(ctx: Ctx, p: Record<string, unknown>): PreAuthResult {
  const clientId = param(p, 'client_id');
  const app = clientId === null ? undefined : appByUid(ctx, clientId);
  if (!app) return { ok: false, reply: errorPage('invalid_client') };
  const redirectUri = param(p, 'redirect_uri');
  if (redirectUri === null || !app.redirectUris.includes(redirectUri))
    return { ok: false, reply: errorPage('invalid_redirect_uri') };
  const state = param(p, 'state');
  const back = (error: string): PreAuthResult => ({
    ok: false,
    reply:
      redirectUri === 'urn:ietf:wg:oauth:2.0:oob'
        ? errorPage(error)
        : redirectWith(redirectUri, { error, error_description: DESCRIPTIONS[error] ?? '', state }),
  });
  if (param(p, 'response_type') !== 'code') return back('unsupported_response_type');
  const scopes = parseScopes(param(p, 'scope') ?? 'read');
  if (!scopes.every((s) => KNOWN_SCOPES.has(s) && app.scopes.includes(s))) return back('invalid_scope');
  const challenge = param(p, 'code_challenge');
  const method = param(p, 'code_challenge_method');
  if (challenge !== null && method !== 'S256') return back('invalid_code_challenge_method');
  return {
    ok: true,
    pre: { app, redirectUri, scopes, state, challenge, challengeMethod: challenge === null ? null : method },
  };
}

/** The scope names of the consent list (doorkeeper.grouped_scopes, simplified to one line per scope). */
const SCOPE_TITLES: Record<string, string> = {
  read: "Read all your account's data",
  write: "Modify all your account's data",
  follow: 'Follow and block accounts',
  push: 'Receive push notifications',
  profile: "Read only your account's profile information",
  'read:statuses': 'Read posts',
  'read:accounts': 'Read accounts',
  'read:search': 'Search on your behalf',
  'read:notifications': 'Read notifications',
  'write:statuses': 'Publish posts',
  'write:conversations': 'Mute and delete conversations',
};

function consentPage(ctx: Ctx, sid: string, pre: PreAuth): Reply {
  const hidden = (name: string, v: string | null): string =>
    v === null ? '' : `<input type="hidden" name="${name}" value="${esc(v)}">`;
  const fields = [
    hidden('authenticity_token', csrfFor(ctx, sid)),
    hidden('client_id', pre.app.uid),
    hidden('redirect_uri', pre.redirectUri),
    hidden('state', pre.state),
    hidden('response_type', 'code'),
    hidden('scope', pre.scopes.join(' ')),
    hidden('code_challenge', pre.challenge),
    hidden('code_challenge_method', pre.challengeMethod),
  ].join('');
  const items = pre.scopes
    .map((s) => `<li class="permissions-list__item">${esc(SCOPE_TITLES[s] ?? s)} <code>${esc(s)}</code></li>`)
    .join('');
  return page(
    200,
    'Authorization required',
    [
      '<div class="oauth-prompt"><h3>Authorization required</h3>',
      `<p><strong class="client-name">${esc(pre.app.name)}</strong> would like permission to access your account. It is a third-party application. <strong>If you do not trust it, then you should not authorize it.</strong></p>`,
      '<h3>Review permissions</h3>',
      `<ul class="permissions-list">${items}</ul>`,
      `<div class="actions"><form method="post" action="/oauth/authorize">${fields}<button type="submit" class="btn" id="authorize">Authorize</button></form>`,
      `<form method="post" action="/oauth/authorize">${hidden('_method', 'delete')}${fields}<button type="submit" class="btn negative" id="deny">Deny</button></form></div></div>`,
    ].join(''),
  );
}

/** Doorkeeper's matching token: same app, owner and scopes, not revoked (reuse_access_token). */
function matchingToken(ctx: Ctx, appId: string, ownerId: string, scopes: string[]): string | undefined {
  const want = [...scopes].sort().join(' ');
  for (const r of ctx.db.all(
    'SELECT * FROM oauth_access_tokens WHERE application_id = ? AND resource_owner_id = ? AND revoked_at IS NULL ORDER BY created_at DESC',
    [appId, ownerId],
  )) {
    if (parseScopes(str(r, 'scopes')).sort().join(' ') === want) return str(r, 'token');
  }
  return undefined;
}

function issueGrant(ctx: Ctx, pre: PreAuth, owner: Account): Reply {
  const code = randomBytes(32).toString('base64url');
  ctx.db.run(
    'INSERT INTO oauth_access_grants (token, application_id, resource_owner_id, redirect_uri, scopes, code_challenge, code_challenge_method, expires_at) VALUES (?,?,?,?,?,?,?,?)',
    [
      code,
      pre.app.id,
      owner.id,
      pre.redirectUri,
      pre.scopes.join(' '),
      pre.challenge,
      pre.challengeMethod,
      Date.now() + GRANT_TTL_MS,
    ],
  );
  if (pre.redirectUri === 'urn:ietf:wg:oauth:2.0:oob')
    return page(
      200,
      'Authorization code',
      `<h1>Authorization code</h1><input readonly class="oauth-code" value="${esc(code)}">`,
    );
  return redirectWith(pre.redirectUri, { code, state: pre.state });
}

function authorizeGet(ctx: Ctx, req: IncomingMessage, url: URL): Reply {
  const p = Object.fromEntries(url.searchParams);
  const session = sessionOf(ctx, req);
  const forceLogin = ['1', 'true', 'on', 't'].includes((p.force_login ?? '').toLowerCase());
  if (!session || forceLogin) {
    // Devise: sign in first, then come back here (store_location_for).
    const back = new URL(url.pathname + url.search, ctx.origin);
    back.searchParams.delete('force_login');
    return {
      status: 302,
      headers: {
        location: `/auth/sign_in?return_to=${encodeURIComponent(back.pathname + back.search)}`,
        'cache-control': 'no-store',
      },
    };
  }
  const pre = preAuthorize(ctx, p);
  if (!pre.ok) return pre.reply;
  // A confidential app that already holds a matching token is not asked again (Doorkeeper).
  if (matchingToken(ctx, pre.pre.app.id, session.account.id, pre.pre.scopes) !== undefined)
    return issueGrant(ctx, pre.pre, session.account);
  return consentPage(ctx, session.sid, pre.pre);
}

function authorizePost(ctx: Ctx, req: IncomingMessage, body: Record<string, unknown>): Reply {
  const session = sessionOf(ctx, req);
  if (!session) return page(401, 'Sign in', '<p>You need to sign in before continuing.</p>');
  const token = param(body, 'authenticity_token') ?? '';
  if (!sameString(token, csrfFor(ctx, session.sid)))
    return page(
      422,
      'The change you wanted was rejected',
      '<h1>The change you wanted was rejected (invalid authenticity token)</h1>',
    );
  const pre = preAuthorize(ctx, body);
  if (!pre.ok) return pre.reply;
  if (param(body, '_method') === 'delete') {
    return redirectWith(pre.pre.redirectUri, {
      error: 'access_denied',
      error_description: DESCRIPTIONS.access_denied ?? '',
      state: pre.pre.state,
    });
  }
  return issueGrant(ctx, pre.pre, session.account);
}

// --- Sign-in (stand-in for Devise: pick a local user) ----------------------------------------

function safeReturn(v: string | null): string {
  return v !== null && v.startsWith('/') && !v.startsWith('//') && !v.includes('\\') ? v : '/home';
}

function signInGet(ctx: Ctx, url: URL): Reply {
  const back = safeReturn(url.searchParams.get('return_to'));
  const users = ctx.db
    .all('SELECT username FROM accounts WHERE domain IS NULL ORDER BY username')
    .map((r) => str(r, 'username'));
  const buttons = users
    .map((u) => `<button type="submit" name="username" value="${esc(u)}">Log in as ${esc(u)}</button>`)
    .join('');
  return page(
    200,
    'Log in',
    `<h1>Log in to ${esc(ctx.domain)}</h1><form method="post" action="/auth/sign_in"><input type="hidden" name="return_to" value="${esc(back)}">${buttons}</form>`,
  );
}

function signInPost(ctx: Ctx, body: Record<string, unknown>): Reply {
  const username = param(body, 'username') ?? '';
  const row = ctx.db.get('SELECT * FROM accounts WHERE lower(username) = lower(?) AND domain IS NULL', [username]);
  if (!row) return page(401, 'Log in', '<p>Invalid username.</p>');
  const sid = randomBytes(24).toString('base64url');
  ctx.sessions.set(sid, str(row, 'id'));
  return {
    status: 302,
    headers: {
      location: safeReturn(param(body, 'return_to')),
      'set-cookie': `${SESSION_COOKIE}=${sid}; Path=/; HttpOnly; SameSite=Lax`,
      'cache-control': 'no-store',
    },
  };
}

// --- Token and revocation endpoints ----------------------------------------------------------

function oauthError(code: string, status = 400): Reply {
  return json({ error: code, error_description: DESCRIPTIONS[code] ?? '' }, status, {
    'cache-control': 'no-store',
    pragma: 'no-cache',
  });
}

/** Client credentials from HTTP Basic or the body (Doorkeeper accepts both). */
function clientOf(
  ctx: Ctx,
  req: IncomingMessage,
  body: Record<string, unknown>,
): { app: App | undefined; presented: boolean } {
  let id = param(body, 'client_id');
  let secret = param(body, 'client_secret');
  const basic = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  if (basic?.[1]) {
    const [u, ...rest] = Buffer.from(basic[1], 'base64').toString('utf8').split(':');
    id = decodeURIComponent(u ?? '');
    secret = decodeURIComponent(rest.join(':'));
  }
  if (id === null) return { app: undefined, presented: false };
  const app = appByUid(ctx, id);
  if (!app || secret === null || !sameString(secret, app.secret)) return { app: undefined, presented: true };
  return { app, presented: true };
}

function tokenJson(token: string, scopes: string[], createdAt: string): Record<string, unknown> {
  return {
    access_token: token,
    token_type: 'Bearer',
    scope: scopes.join(' '),
    created_at: Math.floor(Date.parse(createdAt) / 1000),
  };
}

function issueToken(ctx: Ctx, app: App, ownerId: string | null, scopes: string[]): Reply {
  if (ownerId !== null) {
    const reuse = matchingToken(ctx, app.id, ownerId, scopes);
    if (reuse !== undefined) {
      const r = ctx.db.get('SELECT created_at FROM oauth_access_tokens WHERE token = ?', [reuse]);
      return json(tokenJson(reuse, scopes, r ? str(r, 'created_at') : nowIso()), 200, {
        'cache-control': 'no-store',
        pragma: 'no-cache',
      });
    }
  }
  const token = randomBytes(32).toString('base64url');
  const created = nowIso();
  ctx.db.run(
    'INSERT INTO oauth_access_tokens (token, application_id, resource_owner_id, scopes, created_at) VALUES (?,?,?,?,?)',
    [token, app.id, ownerId, scopes.join(' '), created],
  );
  return json(tokenJson(token, scopes, created), 200, { 'cache-control': 'no-store', pragma: 'no-cache' });
}

function s256(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

function tokenPost(ctx: Ctx, req: IncomingMessage, body: Record<string, unknown>): Reply {
  const grantType = param(body, 'grant_type');
  if (grantType === null)
    return json({ error: 'invalid_request', error_description: 'Missing required parameter: grant_type.' }, 400);
  if (grantType !== 'authorization_code' && grantType !== 'client_credentials')
    return oauthError('unsupported_grant_type');
  const { app } = clientOf(ctx, req, body);
  if (!app) return oauthError('invalid_client', 401);
  if (grantType === 'client_credentials') {
    const scopes = parseScopes(param(body, 'scope') ?? 'read');
    if (!scopes.every((s) => app.scopes.includes(s))) return oauthError('invalid_scope');
    return issueToken(ctx, app, null, scopes);
  }
  const code = param(body, 'code');
  if (code === null)
    return json({ error: 'invalid_request', error_description: 'Missing required parameter: code.' }, 400);
  const g = ctx.db.get('SELECT * FROM oauth_access_grants WHERE token = ?', [code]);
  if (!g || g.revoked_at !== null || Number(g.expires_at) < Date.now() || str(g, 'application_id') !== app.id)
    return oauthError('invalid_grant');
  if (param(body, 'redirect_uri') !== str(g, 'redirect_uri')) return oauthError('invalid_grant');
  const challenge = strOrNull(g, 'code_challenge');
  const verifier = param(body, 'code_verifier');
  if (challenge !== null) {
    if (verifier === null)
      return json({ error: 'invalid_request', error_description: 'Missing required parameter: code_verifier.' }, 400);
    if (!sameString(s256(verifier), challenge)) return oauthError('invalid_grant');
  }
  // A code is used once (revoked whether or not the rest succeeds).
  ctx.db.run('UPDATE oauth_access_grants SET revoked_at = ? WHERE token = ?', [nowIso(), code]);
  return issueToken(ctx, app, str(g, 'resource_owner_id'), parseScopes(str(g, 'scopes')));
}

/** RFC 7009 as Doorkeeper does it: 200 `{}` whether or not the token existed; another app's token is 403. */
function revokePost(ctx: Ctx, req: IncomingMessage, body: Record<string, unknown>): Reply {
  const { app, presented } = clientOf(ctx, req, body);
  if (presented && !app) return oauthError('invalid_client', 401);
  const token = param(body, 'token');
  if (token === null)
    return json({ error: 'invalid_request', error_description: 'Missing required parameter: token.' }, 400);
  const row = ctx.db.get('SELECT * FROM oauth_access_tokens WHERE token = ?', [token]);
  if (!row) return json({});
  const ownApp = app !== undefined && str(row, 'application_id') === app.id;
  if (!ownApp) return oauthError('unauthorized_client', 403);
  ctx.db.run('UPDATE oauth_access_tokens SET revoked_at = coalesce(revoked_at, ?) WHERE token = ?', [nowIso(), token]);
  // The streaming server drops connections of a revoked token (Redis `kill` event).
  ctx.hub.killToken(token);
  return json({});
}

// --- Wiring -------------------------------------------------------------------------------

export function oauthApiRoutes(r: Router): void {
  r.add('POST', '/api/v1/apps', (ctx, req) => createApp(ctx, req.body), 'none');
  r.add(
    'GET',
    '/api/v1/apps/verify_credentials',
    (ctx, req) => {
      const found = lookupToken(ctx, /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? '');
      if (found.kind !== 'valid' || found.applicationId === null) return json({ error: NOT_AUTHORIZED }, 401);
      const row = ctx.db.get('SELECT uid FROM oauth_applications WHERE id = ?', [found.applicationId]);
      const app = row ? appByUid(ctx, str(row, 'uid')) : undefined;
      return app ? json(appJson(ctx, app, false)) : json({ error: NOT_AUTHORIZED }, 401);
    },
    'none',
  );
}

export const OAUTH_CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'POST, OPTIONS',
  'access-control-allow-headers': 'Authorization, Content-Type',
};

/** Non-API OAuth paths: answers undefined when the path is not one of them. */
export function oauthDispatch(
  ctx: Ctx,
  req: IncomingMessage,
  url: URL,
  method: string,
  body: Record<string, unknown> | undefined,
): Reply | undefined {
  const path = url.pathname;
  if (path === '/oauth/authorize') {
    if (method === 'GET') return authorizeGet(ctx, req, url);
    if (method === 'POST') return authorizePost(ctx, req, body ?? {});
    if (method === 'DELETE') return authorizePost(ctx, req, { ...body, _method: 'delete' });
    return { status: 405, body: 'Method not allowed' };
  }
  if (path === '/oauth/token' || path === '/oauth/revoke') {
    if (method === 'OPTIONS') return { status: 204, headers: OAUTH_CORS };
    if (method !== 'POST') return { status: 405, body: 'Method not allowed' };
    const r = path === '/oauth/token' ? tokenPost(ctx, req, body ?? {}) : revokePost(ctx, req, body ?? {});
    return { ...r, headers: { ...OAUTH_CORS, ...r.headers } };
  }
  if (path === '/auth/sign_in') {
    if (method === 'GET') return signInGet(ctx, url);
    if (method === 'POST') return signInPost(ctx, body ?? {});
  }
  return undefined;
}

export function isOauthPath(path: string): boolean {
  return path === '/oauth/authorize' || path === '/oauth/token' || path === '/oauth/revoke' || path === '/auth/sign_in';
}
