// Accounts: local and cached remote rows, Mastodon's profile-field semantics, REST Account JSON.
import { str, strOrNull, type Row } from './db.ts';
import type { Ctx } from './context.ts';
import { nowIso } from './context.ts';
import { formatText } from './text.ts';

export interface Field {
  name: string;
  value: string;
  verified_at: string | null;
}

export interface Account {
  id: string;
  username: string;
  domain: string | null;
  uri: string;
  url: string;
  displayName: string;
  note: string;
  fields: Field[];
  token: string | null;
  createdAt: string;
  fetchedAt: string | null;
}

export const MAX_FIELDS = 4;
export const FIELD_LIMIT_LOCAL = 255;
export const FIELD_LIMIT_REMOTE = 2047;

function parseFields(json: string): Field[] {
  try {
    const v: unknown = JSON.parse(json);
    if (!Array.isArray(v)) return [];
    return v.flatMap((f: unknown): Field[] => {
      if (typeof f !== 'object' || f === null) return [];
      const o = f as Record<string, unknown>;
      return [
        {
          name: typeof o.name === 'string' ? o.name : '',
          value: typeof o.value === 'string' ? o.value : '',
          verified_at: typeof o.verified_at === 'string' ? o.verified_at : null,
        },
      ];
    });
  } catch {
    return [];
  }
}

export function rowToAccount(row: Row): Account {
  return {
    id: str(row, 'id'),
    username: str(row, 'username'),
    domain: strOrNull(row, 'domain'),
    uri: str(row, 'uri'),
    url: str(row, 'url'),
    displayName: str(row, 'display_name'),
    note: str(row, 'note'),
    fields: parseFields(str(row, 'fields')),
    token: strOrNull(row, 'token'),
    createdAt: str(row, 'created_at'),
    fetchedAt: strOrNull(row, 'fetched_at'),
  };
}

export function accountById(ctx: Ctx, id: string): Account | undefined {
  const row = ctx.db.get('SELECT * FROM accounts WHERE id = ?', [id]);
  return row ? rowToAccount(row) : undefined;
}

export function accountByToken(ctx: Ctx, token: string): Account | undefined {
  if (token === '') return undefined;
  const row = ctx.db.get('SELECT * FROM accounts WHERE token = ? AND domain IS NULL', [token]);
  if (row) return rowToAccount(row);
  // An OAuth access token (oauth.ts), unless revoked.
  const t = ctx.db.get(
    'SELECT resource_owner_id FROM oauth_access_tokens WHERE token = ? AND revoked_at IS NULL AND resource_owner_id IS NOT NULL',
    [token],
  );
  return t ? accountById(ctx, str(t, 'resource_owner_id')) : undefined;
}

export function accountByUri(ctx: Ctx, uri: string): Account | undefined {
  const row = ctx.db.get('SELECT * FROM accounts WHERE uri = ?', [uri]);
  return row ? rowToAccount(row) : undefined;
}

/** Finds a known account by username and domain; our own domain (or none) means local. */
export function accountByAcct(ctx: Ctx, username: string, domain: string | null): Account | undefined {
  const local = domain === null || domain.toLowerCase() === ctx.domain;
  const row = local
    ? ctx.db.get('SELECT * FROM accounts WHERE lower(username) = lower(?) AND domain IS NULL', [username])
    : ctx.db.get('SELECT * FROM accounts WHERE lower(username) = lower(?) AND domain = lower(?)', [username, domain]);
  return row ? rowToAccount(row) : undefined;
}

export function parseAcct(acct: string): { username: string; domain: string | null } | undefined {
  const m = /^@?([a-z0-9_]+(?:[.-]+[a-z0-9_]+)*)(?:@([a-z0-9.-]+(?::\d+)?))?$/i.exec(acct.trim());
  if (!m?.[1]) return undefined;
  return { username: m[1], domain: m[2]?.toLowerCase() ?? null };
}

export function acctOf(a: Account): string {
  return a.domain === null ? a.username : `${a.username}@${a.domain}`;
}

export function isLocal(a: Account): boolean {
  return a.domain === null;
}

// Ruby's String#strip (ASCII whitespace and NUL only), then the first `limit` code points:
// Account::Field truncates silently on every read, never on write.
export function truncateField(s: string, limit: number): string {
  return Array.from(s.replace(/^[\0\t\n\v\f\r ]+|[\0\t\n\v\f\r ]+$/g, ''))
    .slice(0, limit)
    .join('');
}

export function fieldsForRead(a: Account): Field[] {
  const limit = isLocal(a) ? FIELD_LIMIT_LOCAL : FIELD_LIMIT_REMOTE;
  return a.fields.map((f) => ({
    name: truncateField(f.name, limit),
    value: truncateField(f.value, limit),
    verified_at: f.verified_at,
  }));
}

function htmlOptions(ctx: Ctx): Parameters<typeof formatText>[1] {
  return {
    // Mentions in bios/fields resolve only against already-known accounts (no network on read).
    mention: (value) => {
      const [username = '', domain = null] = value.split('@');
      const target = accountByAcct(ctx, username, domain);
      return target ? { url: target.url, username: target.username, acct: acctOf(target) } : undefined;
    },
    tagUrl: (tag) => `${ctx.origin}/tags/${encodeURIComponent(tag)}`,
  };
}

export function noteHtml(ctx: Ctx, a: Account): string {
  return isLocal(a) ? formatText(a.note, htmlOptions(ctx)) : a.note;
}

function avatarUrl(ctx: Ctx): string {
  return `${ctx.origin}/avatars/original/missing.png`;
}

function statusStats(ctx: Ctx, id: string): { count: number; last: string | null } {
  const row = ctx.db.get(
    'SELECT count(*) AS n, max(created_at) AS last FROM statuses WHERE account_id = ? AND deleted_at IS NULL',
    [id],
  );
  const n = row?.n;
  return { count: typeof n === 'number' ? n : Number(n ?? 0), last: row ? strOrNull(row, 'last') : null };
}

/** REST::AccountSerializer shape, with whatever the adversary made this instance claim (rewriteAccount). */
export function serializeAccount(ctx: Ctx, a: Account): Record<string, unknown> {
  const stats = statusStats(ctx, a.id);
  const localCount = isLocal(a) ? Math.max(0, localAccountCount(ctx) - 1) : 0;
  const opts = htmlOptions(ctx);
  const out: Record<string, unknown> = {
    id: a.id,
    username: a.username,
    acct: acctOf(a),
    display_name: truncateDisplayName(a),
    locked: false,
    bot: false,
    discoverable: true,
    indexable: false,
    group: false,
    created_at: a.createdAt.slice(0, 10) + 'T00:00:00.000Z',
    note: noteHtml(ctx, a),
    url: a.url,
    uri: a.uri,
    avatar: avatarUrl(ctx),
    avatar_static: avatarUrl(ctx),
    avatar_description: '',
    header: `${ctx.origin}/headers/original/missing.png`,
    header_static: `${ctx.origin}/headers/original/missing.png`,
    header_description: '',
    followers_count: localCount,
    following_count: localCount,
    statuses_count: stats.count,
    last_status_at: stats.last?.slice(0, 10) ?? null,
    hide_collections: false,
    // `noindex` and `roles` only for local accounts (AccountSerializer `if: :local?`).
    ...(isLocal(a) ? { noindex: false } : {}),
    emojis: [],
    ...(isLocal(a) ? { roles: [] } : {}),
    fields: fieldsForRead(a).map((f) => ({
      name: f.name,
      // Local values are rendered like Mastodon's account_field_value_format; remote ones are the
      // HTML received from the home instance.
      value: isLocal(a) ? formatText(f.value, { ...opts, singleLine: true }) : f.value,
      verified_at: f.verified_at,
    })),
  };
  return applyAccountPatch(ctx, a, out);
}

/** What the adversary's rewriteAccount makes this instance say about `a` (identity keys only). */
export function claimedIdentity(ctx: Ctx, a: Account): { username: string; acct: string; url: string; uri: string } {
  const p = ctx.adversary.accountRewrites.get(a.id);
  return {
    username: p?.username ?? a.username,
    acct: p?.acct ?? acctOf(a),
    url: p?.url ?? a.url,
    uri: p?.uri ?? a.uri,
  };
}

function applyAccountPatch(ctx: Ctx, a: Account, out: Record<string, unknown>): Record<string, unknown> {
  const p = ctx.adversary.accountRewrites.get(a.id);
  if (!p) return out;
  const patched: Record<string, unknown> = { ...out, ...claimedIdentity(ctx, a) };
  if (p.fields !== undefined)
    patched.fields = p.fields.map((f) => ({ name: f.name, value: f.value, verified_at: f.verified_at ?? null }));
  return patched;
}

function truncateDisplayName(a: Account): string {
  return a.displayName;
}

function localAccountCount(ctx: Ctx): number {
  const n = ctx.db.get('SELECT count(*) AS n FROM accounts WHERE domain IS NULL')?.n;
  return typeof n === 'number' ? n : Number(n ?? 0);
}

/** REST::CredentialAccountSerializer: the account plus `source` with raw values. */
export function serializeCredentialAccount(ctx: Ctx, a: Account): Record<string, unknown> {
  return {
    ...serializeAccount(ctx, a),
    source: {
      privacy: 'public',
      sensitive: false,
      language: null,
      note: a.note,
      fields: fieldsForRead(a),
      follow_requests_count: 0,
      hide_collections: false,
      discoverable: true,
      indexable: false,
      attribution_domains: [],
      quote_policy: 'public',
    },
    role: { id: '-99', name: '', permissions: '0', color: '', highlighted: false },
  };
}

export function createLocalAccount(ctx: Ctx, username: string, token: string): Account {
  const id = ctx.ids.next();
  ctx.db.run(
    'INSERT INTO accounts (id, username, domain, uri, url, display_name, note, fields, token, created_at) VALUES (?,?,?,?,?,?,?,?,?,?)',
    [
      id,
      username,
      null,
      `${ctx.origin}/users/${username}`,
      `${ctx.origin}/@${username}`,
      username.charAt(0).toUpperCase() + username.slice(1),
      '',
      '[]',
      token,
      nowIso(),
    ],
  );
  const a = accountById(ctx, id);
  if (!a) throw new Error('account insert failed');
  return a;
}

/** Local uri/url follow the current origin (ports are ephemeral in tests, fixed in the CLI). */
export function refreshLocalUris(ctx: Ctx): void {
  for (const row of ctx.db.all('SELECT id, username FROM accounts WHERE domain IS NULL')) {
    const u = str(row, 'username');
    ctx.db.run('UPDATE accounts SET uri = ?, url = ? WHERE id = ?', [
      `${ctx.origin}/users/${u}`,
      `${ctx.origin}/@${u}`,
      str(row, 'id'),
    ]);
  }
}
