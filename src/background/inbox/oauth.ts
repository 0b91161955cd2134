/**
 * The inbox's OAuth client, pure parts: instance normalisation, PKCE (RFC 7636, S256 only), the
 * authorization URL, and the check of the redirect the browser hands back. The verifier and state
 * are made and kept in the background; only the challenge and state go to the instance.
 */
import { b64 } from '../../messaging/encoding';

/** The smallest set covering what the inbox does: read conversations and statuses, search accounts
 * (v1 account search and a resolving v2 search), post, mark read. No write:accounts, no follow. */
export const INBOX_SCOPES = [
  'read:statuses',
  'read:accounts',
  'read:search',
  'write:statuses',
  'write:conversations',
] as const;

/** "mastodon.social", "https://mastodon.social/", "http://127.0.0.1:3001" -> an origin, or null. */
export function instanceOrigin(input: string, allowHttpLoopback: boolean): string | null {
  const raw = input.trim().replace(/^@?[^@\s/]+@(?=[^@\s/]+$)/, ''); // "user@host" -> "host"
  if (raw === '' || /\s/.test(raw)) return null;
  let url: URL;
  try {
    url = new URL(/^https?:\/\//i.test(raw) ? raw : `https://${raw}`);
  } catch {
    return null;
  }
  if (url.username !== '' || url.password !== '') return null;
  if (
    url.protocol === 'http:' &&
    !(allowHttpLoopback && (url.hostname === '127.0.0.1' || url.hostname === 'localhost'))
  )
    return null;
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  if (url.pathname !== '/' || url.search !== '' || url.hash !== '') return null;
  return url.origin;
}

/** 32 random bytes as base64url: 43 characters, inside RFC 7636's 43-128 range. */
export function randomToken(): string {
  return b64(crypto.getRandomValues(new Uint8Array(32)));
}

export async function challengeS256(verifier: string): Promise<string> {
  return b64(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));
}

export function authorizeUrl(
  origin: string,
  p: { clientId: string; redirectUri: string; state: string; challenge: string; scopes: readonly string[] },
): string {
  const q = new URLSearchParams({
    client_id: p.clientId,
    redirect_uri: p.redirectUri,
    response_type: 'code',
    scope: p.scopes.join(' '),
    state: p.state,
    code_challenge: p.challenge,
    code_challenge_method: 'S256',
  });
  return `${origin}/oauth/authorize?${q.toString()}`;
}

export type RedirectOutcome =
  | { readonly ok: true; readonly code: string }
  | { readonly ok: false; readonly reason: 'denied' | 'state_mismatch' | 'bad_redirect' };

/**
 * The URL the auth flow ended on must be our redirect URL (same origin and path), carry the state
 * we made (else it is someone else's flow, or a forged one) and then a code or an error.
 */
export function parseRedirect(finalUrl: string, redirectUri: string, state: string): RedirectOutcome {
  let url: URL;
  let want: URL;
  try {
    url = new URL(finalUrl);
    want = new URL(redirectUri);
  } catch {
    return { ok: false, reason: 'bad_redirect' };
  }
  if (url.origin !== want.origin || url.pathname !== want.pathname) return { ok: false, reason: 'bad_redirect' };
  const got = url.searchParams.get('state');
  if (got === null || got !== state) return { ok: false, reason: 'state_mismatch' };
  if (url.searchParams.get('error') !== null) return { ok: false, reason: 'denied' };
  const code = url.searchParams.get('code');
  if (code === null || !/^[\w.~+/=-]{1,512}$/.test(code)) return { ok: false, reason: 'bad_redirect' };
  return { ok: true, code };
}
