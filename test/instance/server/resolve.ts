// Remote accounts: fetched from their home instance's public REST API (GET /api/v1/accounts/lookup
// on the origin the federation map gives for their domain) and cached in `accounts`.
// A cached copy changes only through resolve=true (search) or an explicit refresh; instances do
// not push profile Updates to each other (see README), so tests can make the two disagree.
import type { Ctx } from './context.ts';
import { nowIso } from './context.ts';
import { sanitizeHtml } from './sanitize.ts';
import { accountByAcct, accountById, accountByUri, FIELD_LIMIT_REMOTE, type Account } from './accounts.ts';

export type ResolveResult =
  | { ok: true; account: Account }
  | { ok: false; error: 'unknown_domain' | 'not_found' | 'fetch_failed' | 'invalid_response' };

const MAX_BODY = 1_000_000;

export async function fetchJson(
  url: string,
): Promise<{ ok: true; status: number; json: unknown } | { ok: false; error: string }> {
  try {
    const res = await fetch(url, {
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(5000),
      redirect: 'error',
    });
    const text = await res.text();
    if (text.length > MAX_BODY) return { ok: false, error: 'response too large' };
    try {
      return { ok: true, status: res.status, json: JSON.parse(text) as unknown };
    } catch {
      return { ok: false, error: `non-JSON response (${res.status})` };
    }
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : 'fetch failed' };
  }
}

interface RemoteProfile {
  username: string;
  uri: string;
  url: string;
  displayName: string;
  note: string;
  fields: { name: string; value: string; verified_at: string | null }[];
}

function parseRemoteAccount(v: unknown, origin: string): RemoteProfile | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const o = v as Record<string, unknown>;
  const { username, uri, url, display_name: displayName, note, fields } = o;
  if (
    typeof username !== 'string' ||
    typeof uri !== 'string' ||
    typeof url !== 'string' ||
    typeof displayName !== 'string' ||
    typeof note !== 'string' ||
    !Array.isArray(fields)
  )
    return undefined;
  // An instance may only speak for actors on its own origin.
  if (!uri.startsWith(`${origin}/`) || !url.startsWith(`${origin}/`)) return undefined;
  const parsed: RemoteProfile['fields'] = [];
  for (const f of fields.slice(0, 50)) {
    if (typeof f !== 'object' || f === null) return undefined;
    const { name, value, verified_at: verifiedAt } = f as Record<string, unknown>;
    if (typeof name !== 'string' || typeof value !== 'string') return undefined;
    parsed.push({
      name: name.slice(0, FIELD_LIMIT_REMOTE * 2),
      value: sanitizeHtml(value.slice(0, FIELD_LIMIT_REMOTE * 2)),
      verified_at: typeof verifiedAt === 'string' ? verifiedAt : null,
    });
  }
  return {
    username,
    uri,
    url,
    displayName: displayName.slice(0, 2048),
    note: sanitizeHtml(note.slice(0, 20_000)),
    fields: parsed,
  };
}

function upsertRemote(ctx: Ctx, domain: string, p: RemoteProfile): Account | undefined {
  const existing = accountByUri(ctx, p.uri) ?? accountByAcct(ctx, p.username, domain);
  const fields = JSON.stringify(p.fields);
  if (existing) {
    ctx.db.run(
      'UPDATE accounts SET username = ?, uri = ?, url = ?, display_name = ?, note = ?, fields = ?, fetched_at = ? WHERE id = ?',
      [p.username, p.uri, p.url, p.displayName, p.note, fields, nowIso(), existing.id],
    );
    return accountById(ctx, existing.id);
  }
  const id = ctx.ids.next();
  ctx.db.run(
    'INSERT INTO accounts (id, username, domain, uri, url, display_name, note, fields, created_at, fetched_at) VALUES (?,?,?,?,?,?,?,?,?,?)',
    [id, p.username, domain, p.uri, p.url, p.displayName, p.note, fields, nowIso(), nowIso()],
  );
  return accountById(ctx, id);
}

/** Known accounts come from the cache unless `refresh`; unknown remote ones are fetched. */
export async function resolveAccount(
  ctx: Ctx,
  username: string,
  domain: string | null,
  refresh: boolean,
): Promise<ResolveResult> {
  const known = accountByAcct(ctx, username, domain);
  if (known && (known.domain === null || !refresh)) return { ok: true, account: known };
  if (domain === null || domain === ctx.domain) return { ok: false, error: 'not_found' };
  const origin = ctx.peers.get(domain);
  if (origin === undefined) return { ok: false, error: 'unknown_domain' };
  const r = await fetchJson(`${origin}/api/v1/accounts/lookup?acct=${encodeURIComponent(username)}`);
  if (!r.ok) return { ok: false, error: 'fetch_failed' };
  if (r.status === 404) return { ok: false, error: 'not_found' };
  const profile = r.status === 200 ? parseRemoteAccount(r.json, origin) : undefined;
  if (!profile) return { ok: false, error: 'invalid_response' };
  const account = upsertRemote(ctx, domain, profile);
  return account ? { ok: true, account } : { ok: false, error: 'invalid_response' };
}

/** Maps an actor URI (http://127.0.0.1:PORT/users/name) to a cached or freshly fetched account. */
export async function resolveActorUri(ctx: Ctx, uri: string): Promise<ResolveResult> {
  const known = accountByUri(ctx, uri);
  if (known) return { ok: true, account: known };
  const m = /^(https?:\/\/[^/]+)\/users\/([A-Za-z0-9_.-]+)$/.exec(uri);
  if (!m?.[1] || !m[2]) return { ok: false, error: 'not_found' };
  const origin = m[1];
  const domain = [...ctx.peers].find(([, o]) => o === origin)?.[0];
  if (domain === undefined) return { ok: false, error: 'unknown_domain' };
  return resolveAccount(ctx, m[2], domain, false);
}

export function domainOfOrigin(ctx: Ctx, origin: string): string | undefined {
  return [...ctx.peers].find(([, o]) => o === origin)?.[0];
}
