import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { authorizeUrl, challengeS256, INBOX_SCOPES, instanceOrigin, parseRedirect, randomToken } from './oauth';

const REDIRECT = 'https://abcdef.chromiumapp.org/';

describe('inbox OAuth client', () => {
  it('accepts only the redirect it made, with the state it made (a forged or foreign redirect is refused)', () => {
    expect(parseRedirect(`${REDIRECT}?code=abc&state=s1`, REDIRECT, 's1')).toEqual({ ok: true, code: 'abc' });
    expect(parseRedirect(`${REDIRECT}?code=abc&state=other`, REDIRECT, 's1')).toEqual({
      ok: false,
      reason: 'state_mismatch',
    });
    expect(parseRedirect(`${REDIRECT}?code=abc`, REDIRECT, 's1')).toEqual({ ok: false, reason: 'state_mismatch' });
    expect(parseRedirect('https://evil.example/?code=abc&state=s1', REDIRECT, 's1')).toEqual({
      ok: false,
      reason: 'bad_redirect',
    });
    expect(parseRedirect(`${REDIRECT}other?code=abc&state=s1`, REDIRECT, 's1')).toEqual({
      ok: false,
      reason: 'bad_redirect',
    });
    expect(parseRedirect(`${REDIRECT}?error=access_denied&state=s1`, REDIRECT, 's1')).toEqual({
      ok: false,
      reason: 'denied',
    });
    expect(parseRedirect(`${REDIRECT}?state=s1`, REDIRECT, 's1')).toEqual({ ok: false, reason: 'bad_redirect' });
  });

  it('PKCE: base64url(SHA-256(verifier)) without padding, 43-character random verifiers', async () => {
    const v = randomToken();
    expect(await challengeS256(v)).toBe(createHash('sha256').update(v).digest('base64url'));
    expect(v).toMatch(/^[\w-]{43}$/);
    expect(randomToken()).not.toBe(v);
  });

  it('asks for the smallest scopes, S256 and the state; the verifier never appears in the URL', async () => {
    const url = new URL(
      authorizeUrl('https://m.example', {
        clientId: 'c',
        redirectUri: REDIRECT,
        state: 'st',
        challenge: await challengeS256('verifier'),
        scopes: INBOX_SCOPES,
      }),
    );
    expect(url.searchParams.get('scope')).toBe(
      'read:statuses read:accounts read:search write:statuses write:conversations',
    );
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('state')).toBe('st');
    expect(url.href).not.toContain('verifier');
  });

  it('normalises instance input; plain http only for loopback in test builds', () => {
    expect(instanceOrigin('mastodon.social', false)).toBe('https://mastodon.social');
    expect(instanceOrigin('@me@mastodon.social', false)).toBe('https://mastodon.social');
    expect(instanceOrigin('https://mastodon.social/', false)).toBe('https://mastodon.social');
    expect(instanceOrigin('http://mastodon.social', false)).toBeNull();
    expect(instanceOrigin('http://127.0.0.1:3001', false)).toBeNull();
    expect(instanceOrigin('http://127.0.0.1:3001', true)).toBe('http://127.0.0.1:3001');
    expect(instanceOrigin('https://user:pw@host.example', false)).toBeNull();
    expect(instanceOrigin('https://host.example/path', false)).toBeNull();
  });
});
