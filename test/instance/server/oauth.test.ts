// The test instance's OAuth against Mastodon's (Doorkeeper) behaviour: apps, consent, PKCE, revoke, scopes.
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, post, startTestFederation, user, type TestFed } from './test-helpers.ts';

let t: TestFed;
const REDIRECT = 'https://abcdefghijklmnop.chromiumapp.org/';

beforeAll(async () => {
  t = await startTestFederation();
});
afterAll(() => t.fed.stop());

interface App {
  client_id: string;
  client_secret: string;
  id: string;
}

async function registerApp(
  scopes = 'read:statuses read:accounts read:search write:statuses write:conversations',
): Promise<App> {
  const r = await call(t.a.origin, null, 'POST', '/api/v1/apps', {
    client_name: 'Hush',
    redirect_uris: REDIRECT,
    scopes,
    website: 'https://hush.example',
  });
  expect(r.status).toBe(200);
  return r.json as App;
}

/** A browser session on a.test: the cookie of `/?as=name`. */
async function signIn(name: string): Promise<string> {
  const r = await fetch(`${t.a.origin}/?as=${name}`, { redirect: 'manual' });
  return (r.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
}

function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

function authorizeUrl(app: App, extra: Record<string, string> = {}): string {
  const q = new URLSearchParams({
    client_id: app.client_id,
    redirect_uri: REDIRECT,
    response_type: 'code',
    scope: 'read:statuses write:statuses',
    state: 'st4te',
    ...extra,
  });
  return `${t.a.origin}/oauth/authorize?${q.toString()}`;
}

/** GET the consent page, then submit its Authorize (or Deny) form as the browser would. */
async function consent(app: App, cookie: string, extra: Record<string, string> = {}, deny = false): Promise<URL> {
  const page = await fetch(authorizeUrl(app, extra), { headers: { cookie }, redirect: 'manual' });
  if (page.status === 302) return new URL(page.headers.get('location') ?? '');
  expect(page.status).toBe(200);
  const html = await page.text();
  expect(html).toContain('Authorization required');
  expect(html).toContain('<strong class="client-name">Hush</strong>');
  const forms = [...html.matchAll(/<form method="post" action="\/oauth\/authorize">(.*?)<\/form>/g)].map(
    (m) => m[1] ?? '',
  );
  const form = forms[deny ? 1 : 0] ?? '';
  const body = new URLSearchParams(
    [...form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [
      m[1] ?? '',
      (m[2] ?? '').replace(/&#(\d+);/g, (_x, n: string) => String.fromCharCode(Number(n))),
    ]),
  );
  const r = await fetch(`${t.a.origin}/oauth/authorize`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body,
    redirect: 'manual',
  });
  expect(r.status).toBe(302);
  return new URL(r.headers.get('location') ?? '');
}

async function token(body: Record<string, string>): Promise<{ status: number; json: Record<string, unknown> }> {
  const r = await fetch(`${t.a.origin}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(body),
  });
  return { status: r.status, json: (await r.json()) as Record<string, unknown> };
}

describe('POST /api/v1/apps', () => {
  it('answers the credential application (client_id, client_secret, scopes, redirect_uris)', async () => {
    const app = await registerApp();
    expect(app).toMatchObject({
      name: 'Hush',
      website: 'https://hush.example',
      redirect_uri: REDIRECT,
      redirect_uris: [REDIRECT],
      scopes: ['read:statuses', 'read:accounts', 'read:search', 'write:statuses', 'write:conversations'],
      client_secret_expires_at: 0,
    });
    expect(app.client_id).toMatch(/^[\w-]{20,}$/);
    expect(app.client_secret).toMatch(/^[\w-]{20,}$/);
  });

  it('refuses unknown scopes, a missing name and a javascript: redirect with 422', async () => {
    for (const body of [
      { client_name: 'x', redirect_uris: REDIRECT, scopes: 'read write:everything' },
      { redirect_uris: REDIRECT },
      { client_name: 'x', redirect_uris: 'javascript:alert(1)' },
    ]) {
      const r = await call(t.a.origin, null, 'POST', '/api/v1/apps', body);
      expect(r.status).toBe(422);
      expect(r.json.error).toMatch(/^Validation failed: /);
    }
  });

  it('defaults to the read scope', async () => {
    const r = await call(t.a.origin, null, 'POST', '/api/v1/apps', { client_name: 'x', redirect_uris: REDIRECT });
    expect(r.json.scopes).toEqual(['read']);
  });
});

describe('authorization code with PKCE', () => {
  it('sends a signed-out browser to sign in first, then back to the consent page', async () => {
    const app = await registerApp();
    const r = await fetch(authorizeUrl(app), { redirect: 'manual' });
    expect(r.status).toBe(302);
    expect(r.headers.get('location')).toMatch(/^\/auth\/sign_in\?return_to=%2Foauth%2Fauthorize%3F/);
  });

  it('consent -> code + state -> token with the verifier; the token works only within its scopes', async () => {
    const app = await registerApp();
    const cookie = await signIn('alice');
    const { verifier, challenge } = pkce();
    const back = await consent(app, cookie, { code_challenge: challenge, code_challenge_method: 'S256' });
    expect(`${back.origin}${back.pathname}`).toBe(REDIRECT);
    expect(back.searchParams.get('state')).toBe('st4te');
    const code = back.searchParams.get('code') ?? '';
    // Without the verifier, or with another, no token.
    expect(
      (
        await token({
          grant_type: 'authorization_code',
          code,
          redirect_uri: REDIRECT,
          client_id: app.client_id,
          client_secret: app.client_secret,
        })
      ).json.error,
    ).toBe('invalid_request');
    const wrong = await token({
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT,
      client_id: app.client_id,
      client_secret: app.client_secret,
      code_verifier: pkce().verifier,
    });
    expect(wrong).toMatchObject({ status: 400, json: { error: 'invalid_grant' } });
    expect(String(wrong.json.error_description)).toContain('The provided authorization grant is invalid');
    // The wrong verifier used the code up (one use), so start again.
    const back2 = await consent(app, cookie, { code_challenge: challenge, code_challenge_method: 'S256' });
    const ok = await token({
      grant_type: 'authorization_code',
      code: back2.searchParams.get('code') ?? '',
      redirect_uri: REDIRECT,
      client_id: app.client_id,
      client_secret: app.client_secret,
      code_verifier: verifier,
    });
    expect(ok.status).toBe(200);
    expect(ok.json).toMatchObject({ token_type: 'Bearer', scope: 'read:statuses write:statuses' });
    const tok = String(ok.json.access_token);
    // In scope: conversations, posting.
    expect((await call(t.a.origin, tok, 'GET', '/api/v1/conversations')).status).toBe(200);
    const posted = await call(t.a.origin, tok, 'POST', '/api/v1/statuses', {
      status: 'hello @carol',
      visibility: 'direct',
    });
    expect(posted.status).toBe(200);
    expect(posted.json.account.username).toBe('alice');
    // Out of scope: Mastodon's 403 shape.
    for (const [m, p] of [
      ['GET', '/api/v1/accounts/verify_credentials'],
      ['GET', '/api/v1/accounts/search?q=bob'],
      ['GET', '/api/v2/search?q=bob'],
      ['POST', '/api/v1/conversations/1/read'],
      ['GET', '/api/v1/notifications'],
    ] as const) {
      const r = await call(t.a.origin, tok, m, p);
      expect({ p, status: r.status, json: r.json }).toEqual({
        p,
        status: 403,
        json: { error: 'This action is outside the authorized scopes' },
      });
    }
    // The code is single-use.
    expect(
      (
        await token({
          grant_type: 'authorization_code',
          code: back2.searchParams.get('code') ?? '',
          redirect_uri: REDIRECT,
          client_id: app.client_id,
          client_secret: app.client_secret,
          code_verifier: verifier,
        })
      ).json.error,
    ).toBe('invalid_grant');
  });

  it('a second authorization of the same app and scopes is not asked again and reuses the token', async () => {
    const app = await registerApp();
    const cookie = await signIn('carol');
    const { verifier, challenge } = pkce();
    const first = await consent(app, cookie, { code_challenge: challenge, code_challenge_method: 'S256' });
    const t1 = await token({
      grant_type: 'authorization_code',
      code: first.searchParams.get('code') ?? '',
      redirect_uri: REDIRECT,
      client_id: app.client_id,
      client_secret: app.client_secret,
      code_verifier: verifier,
    });
    const again = await fetch(authorizeUrl(app, { code_challenge: challenge, code_challenge_method: 'S256' }), {
      headers: { cookie },
      redirect: 'manual',
    });
    expect(again.status).toBe(302);
    const code = new URL(again.headers.get('location') ?? '').searchParams.get('code') ?? '';
    const t2 = await token({
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT,
      client_id: app.client_id,
      client_secret: app.client_secret,
      code_verifier: verifier,
    });
    expect(t2.json.access_token).toBe(t1.json.access_token);
  });

  it('deny goes back with access_denied and the state', async () => {
    const app = await registerApp();
    const back = await consent(app, await signIn('alice'), {}, true);
    expect(back.searchParams.get('error')).toBe('access_denied');
    expect(back.searchParams.get('state')).toBe('st4te');
    expect(back.searchParams.get('code')).toBeNull();
  });

  it('refuses plain PKCE, foreign scopes (back to the client) and a foreign redirect (error page, no redirect)', async () => {
    const app = await registerApp('read:statuses');
    const cookie = await signIn('alice');
    const plain = await fetch(
      authorizeUrl(app, { scope: 'read:statuses', code_challenge: 'x', code_challenge_method: 'plain' }),
      { headers: { cookie }, redirect: 'manual' },
    );
    expect(new URL(plain.headers.get('location') ?? '').searchParams.get('error')).toBe(
      'invalid_code_challenge_method',
    );
    const scope = await fetch(authorizeUrl(app, { scope: 'read write' }), { headers: { cookie }, redirect: 'manual' });
    expect(new URL(scope.headers.get('location') ?? '').searchParams.get('error')).toBe('invalid_scope');
    const evil = await fetch(authorizeUrl(app, { scope: 'read:statuses', redirect_uri: 'https://evil.example/' }), {
      headers: { cookie },
      redirect: 'manual',
    });
    expect(evil.status).toBe(400);
    expect(evil.headers.get('location')).toBeNull();
    expect(await evil.text()).toContain('The redirect uri included is not valid.');
  });

  it('refuses an approval without the session authenticity token (cross-site form)', async () => {
    const app = await registerApp();
    const cookie = await signIn('alice');
    const body = new URLSearchParams({
      client_id: app.client_id,
      redirect_uri: REDIRECT,
      response_type: 'code',
      scope: 'read:statuses',
      state: 'x',
    });
    const r = await fetch(`${t.a.origin}/oauth/authorize`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body,
      redirect: 'manual',
    });
    expect(r.status).toBe(422);
  });

  it('refuses a wrong client secret with invalid_client (401)', async () => {
    const app = await registerApp();
    expect(
      await token({
        grant_type: 'authorization_code',
        code: 'x',
        redirect_uri: REDIRECT,
        client_id: app.client_id,
        client_secret: 'nope',
      }),
    ).toMatchObject({ status: 401, json: { error: 'invalid_client' } });
    expect(
      await token({ grant_type: 'password', client_id: app.client_id, client_secret: app.client_secret }),
    ).toMatchObject({ status: 400, json: { error: 'unsupported_grant_type' } });
  });
});

describe('revocation and streaming', () => {
  async function tokenFor(name: string, scopes: string): Promise<{ app: App; tok: string }> {
    const app = await registerApp(scopes);
    const { verifier, challenge } = pkce();
    const back = await consent(app, await signIn(name), {
      scope: scopes,
      code_challenge: challenge,
      code_challenge_method: 'S256',
    });
    const r = await token({
      grant_type: 'authorization_code',
      code: back.searchParams.get('code') ?? '',
      redirect_uri: REDIRECT,
      client_id: app.client_id,
      client_secret: app.client_secret,
      code_verifier: verifier,
    });
    return { app, tok: String(r.json.access_token) };
  }

  it('POST /oauth/revoke: 200 {}, then the token is refused as revoked; another app cannot revoke it', async () => {
    const { app, tok } = await tokenFor('alice', 'read:statuses');
    const other = await registerApp();
    const foreign = await fetch(`${t.a.origin}/oauth/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: tok, client_id: other.client_id, client_secret: other.client_secret }),
    });
    expect(foreign.status).toBe(403);
    expect((await call(t.a.origin, tok, 'GET', '/api/v1/conversations')).status).toBe(200);
    const r = await fetch(`${t.a.origin}/oauth/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: tok, client_id: app.client_id, client_secret: app.client_secret }),
    });
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({});
    expect(await call(t.a.origin, tok, 'GET', '/api/v1/conversations')).toMatchObject({
      status: 401,
      json: { error: 'The access token was revoked' },
    });
    // Unknown tokens: still 200 (RFC 7009).
    const unknown = await fetch(`${t.a.origin}/oauth/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: 'nope', client_id: app.client_id, client_secret: app.client_secret }),
    });
    expect(unknown.status).toBe(200);
  });

  it('the direct stream needs read:statuses; revoking ends an open stream', async () => {
    const { app, tok } = await tokenFor('carol', 'read:statuses');
    const noRead = await tokenFor('alice', 'write:statuses');
    expect(
      (await fetch(`${t.a.origin}/api/v1/streaming/direct`, { headers: { authorization: `Bearer ${noRead.tok}` } }))
        .status,
    ).toBe(403);
    const res = await fetch(`${t.a.origin}/api/v1/streaming/direct`, { headers: { authorization: `Bearer ${tok}` } });
    expect(res.status).toBe(200);
    const reader = res.body?.getReader();
    const ended = (async () => {
      for (;;) {
        const c = await reader?.read();
        if (!c || c.done) return true;
      }
    })();
    await fetch(`${t.a.origin}/oauth/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: tok, client_id: app.client_id, client_secret: app.client_secret }),
    });
    expect(await ended).toBe(true);
  });

  it('the web session token (meta.access_token) keeps every web scope', async () => {
    const alice = user(t.a, 'alice');
    expect((await call(t.a.origin, alice.token, 'GET', '/api/v1/accounts/verify_credentials')).status).toBe(200);
    await post(t.a, 'alice', { status: 'web token still posts', visibility: 'public' });
    expect((await call(t.a.origin, alice.token, 'GET', '/api/v1/notifications')).status).toBe(200);
  });

  it('a rate-limited path answers 429 with X-RateLimit-Reset', async () => {
    await t.a.adversary.setNetworkBehaviour('/api/v1/conversations', { rateLimited: true, resetInSeconds: 30 });
    const r = await call(t.a.origin, user(t.a, 'alice').token, 'GET', '/api/v1/conversations');
    expect(r.status).toBe(429);
    expect(r.json).toEqual({ error: 'Too many requests' });
    const reset = Date.parse(r.headers.get('x-ratelimit-reset') ?? '');
    expect(reset).toBeGreaterThan(Date.now() + 20_000);
    expect(r.headers.get('x-ratelimit-remaining')).toBe('0');
    await t.a.adversary.setNetworkBehaviour('/api/v1/conversations', 'normal');
  });
});
