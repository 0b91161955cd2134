// Account endpoints: credentials, profile fields, lookup, search (with federation resolve), relationships.
import type { Ctx } from './context.ts';
import {
  accountByAcct,
  accountById,
  isLocal,
  MAX_FIELDS,
  parseAcct,
  rowToAccount,
  serializeAccount,
  serializeCredentialAccount,
  type Account,
  type Field,
} from './accounts.ts';
import { canSee, rowToStatus, serializeStatus, statusByUri } from './statuses.ts';
import { resolveAccount } from './resolve.ts';
import { versionParts } from './shell.ts';
import { countableLength } from './text.ts';
import { apiError, type Result } from './compose.ts';
import { fail, json, linkHeader, notFound, pageParams, type Req, type Reply, type Router } from './http.ts';

function me(req: Req): Account {
  if (!req.account) throw new Error('route registered as authenticated');
  return req.account;
}

function isBlank(v: unknown): boolean {
  return typeof v !== 'string' || /^[\s\u00a0]*$/.test(v);
}

/** Account#fields_attributes=: whole list replaced, blank pairs dropped; hash or array accepted. */
export function readFieldsAttributes(raw: unknown, previous: Field[]): Result<Field[]> {
  const list: unknown[] = Array.isArray(raw)
    ? raw
    : typeof raw === 'object' && raw !== null
      ? Object.keys(raw)
          .sort((a, b) => Number(a) - Number(b))
          .map((k) => (raw as Record<string, unknown>)[k])
      : [];
  const out: Field[] = [];
  for (const item of list) {
    if (typeof item !== 'object' || item === null) continue;
    const { name, value } = item as Record<string, unknown>;
    if (isBlank(name) && isBlank(value)) continue;
    const n = typeof name === 'string' ? name : '';
    const v = typeof value === 'string' ? value : '';
    // EmptyProfileFieldNamesValidator (4.4+): a value needs a name.
    if (isBlank(n)) return apiError(422, "Validation failed: Fields name can't be blank");
    out.push({ name: n, value: v, verified_at: previous.find((p) => p.value === v)?.verified_at ?? null });
  }
  if (out.length > MAX_FIELDS)
    return apiError(422, `Validation failed: Fields is too long (maximum is ${MAX_FIELDS} characters)`);
  return { ok: true, value: out };
}

function updateCredentials(ctx: Ctx, req: Req): Reply {
  const a = me(req);
  const b = req.body;
  const sets: string[] = [];
  const vals: (string | null)[] = [];
  if (typeof b.display_name === 'string') {
    // DISPLAY_NAME_LENGTH_LIMIT: 30 until 4.5, 40 from 4.6.
    const [major, minor] = versionParts(ctx.settings.uiVersion);
    const max = major > 4 || (major === 4 && minor >= 6) ? 40 : 30;
    if (Array.from(b.display_name).length > max)
      return json({ error: `Validation failed: Display name is too long (maximum is ${max} characters)` }, 422);
    sets.push('display_name = ?');
    vals.push(b.display_name);
  }
  if (typeof b.note === 'string') {
    // NoteLengthValidator counts like statuses: URLs as 23, @user@domain as @user, graphemes.
    if (countableLength(b.note) > 500)
      return json({ error: 'Validation failed: Note is too long (maximum is 500 characters)' }, 422);
    sets.push('note = ?');
    vals.push(b.note);
  }
  if (b.fields_attributes !== undefined) {
    const fields = readFieldsAttributes(b.fields_attributes, a.fields);
    if (!fields.ok) return fail(fields);
    sets.push('fields = ?');
    vals.push(JSON.stringify(fields.value));
  }
  if (sets.length > 0) ctx.db.run(`UPDATE accounts SET ${sets.join(', ')} WHERE id = ?`, [...vals, a.id]);
  const updated = accountById(ctx, a.id);
  return updated ? json(serializeCredentialAccount(ctx, updated)) : notFound();
}

function lookup(ctx: Ctx, req: Req): Reply {
  const parsed = parseAcct(req.query.get('acct') ?? '');
  const a = parsed ? accountByAcct(ctx, parsed.username, parsed.domain) : undefined;
  return a ? json(serializeAccount(ctx, a)) : notFound();
}

/** Known accounts matching a query; with resolve, also fetch (and refresh) user@domain. */
export async function searchAccounts(ctx: Ctx, q: string, resolve: boolean, limit: number): Promise<Account[]> {
  const query = q.trim().replace(/^@/, '');
  const found = new Map<string, Account>();
  const urlMatch = /^(https?:\/\/[^/]+)\/(?:@|users\/)([A-Za-z0-9_]+)\/?$/.exec(query);
  const fromUrl = urlMatch ? [...ctx.peers].find(([, o]) => o === urlMatch[1]) : undefined;
  const exact =
    fromUrl && urlMatch?.[2]
      ? { username: urlMatch[2], domain: fromUrl[0] === ctx.domain ? null : fromUrl[0] }
      : parseAcct(query);
  if (exact && (exact.domain !== null || !query.includes('@'))) {
    if (resolve && exact.domain !== null) {
      const r = await resolveAccount(ctx, exact.username, exact.domain, true);
      if (r.ok) found.set(r.account.id, r.account);
    } else {
      const known = accountByAcct(ctx, exact.username, exact.domain);
      if (known) found.set(known.id, known);
    }
  }
  const [userPart = '', domainPart] = query.split('@');
  if (userPart !== '') {
    const like = `${userPart.toLowerCase().replace(/[%_\\]/g, (c) => `\\${c}`)}%`;
    const rows = ctx.db.all(
      "SELECT * FROM accounts WHERE (lower(username) LIKE ? ESCAPE '\\' OR lower(display_name) LIKE ? ESCAPE '\\') ORDER BY domain IS NOT NULL, username LIMIT 40",
      [like, like],
    );
    for (const a of rows.map(rowToAccount)) {
      if (
        domainPart !== undefined &&
        domainPart !== '' &&
        !(a.domain ?? ctx.domain).startsWith(domainPart.toLowerCase())
      )
        continue;
      found.set(a.id, a);
    }
  }
  return [...found.values()].slice(0, limit);
}

function limitOf(req: Req, def: number, max: number): number {
  const n = Number.parseInt(req.query.get('limit') ?? '', 10);
  return Number.isFinite(n) && n > 0 ? Math.min(n, max) : def;
}

async function accountsSearch(ctx: Ctx, req: Req): Promise<Reply> {
  const resolve = req.query.get('resolve') === 'true';
  const accounts = await searchAccounts(ctx, req.query.get('q') ?? '', resolve, limitOf(req, 40, 80));
  return json(accounts.map((a) => serializeAccount(ctx, a)));
}

async function v2Search(ctx: Ctx, req: Req): Promise<Reply> {
  const q = req.query.get('q') ?? '';
  const type = req.query.get('type');
  const resolve = req.query.get('resolve') === 'true';
  if (resolve && !req.account)
    return json(
      { error: 'Search queries that resolve remote resources are not supported without authentication' },
      401,
    );
  const limit = limitOf(req, 20, 40);
  const accounts = type === null || type === 'accounts' ? await searchAccounts(ctx, q, resolve, limit) : [];
  const status = type === null || type === 'statuses' ? statusByUri(ctx, q.trim()) : undefined;
  const statuses = status && canSee(ctx, status, req.account) ? [serializeStatus(ctx, status, req.account)] : [];
  const tag = /^#?([\p{L}\p{N}_]+)$/u.exec(q.trim())?.[1];
  const hashtags =
    (type === null || type === 'hashtags') && tag !== undefined
      ? [{ name: tag, url: `${ctx.origin}/tags/${encodeURIComponent(tag)}`, history: [], following: false }]
      : [];
  return json({ accounts: accounts.map((a) => serializeAccount(ctx, a)), statuses, hashtags });
}

function relationships(ctx: Ctx, req: Req): Reply {
  const ids = [...req.query.getAll('id[]'), ...req.query.getAll('id')];
  const self = me(req);
  // Every seeded account follows every other one (README): the stand-in has no follow graph.
  return json(
    ids.flatMap((id) => {
      const a = accountById(ctx, id);
      if (!a) return [];
      const other = a.id !== self.id;
      return [
        {
          id: a.id,
          following: other,
          showing_reblogs: other,
          notifying: false,
          languages: null,
          followed_by: other,
          blocking: false,
          blocked_by: false,
          muting: false,
          muting_notifications: false,
          requested: false,
          requested_by: false,
          domain_blocking: false,
          endorsed: false,
          note: '',
        },
      ];
    }),
  );
}

function accountStatuses(ctx: Ctx, req: Req): Reply {
  const a = accountById(ctx, req.params.id ?? '');
  if (!a) return notFound();
  if (req.query.get('pinned') === 'true') return json([]);
  const p = pageParams(req.query);
  const rows = ctx.db.all(
    `SELECT * FROM statuses WHERE account_id = ? AND deleted_at IS NULL
     AND (? IS NULL OR CAST(id AS INTEGER) < CAST(? AS INTEGER)) AND (? IS NULL OR CAST(id AS INTEGER) > CAST(? AS INTEGER))
     ORDER BY CAST(id AS INTEGER) DESC LIMIT 200`,
    [a.id, p.maxId, p.maxId, p.sinceId ?? p.minId, p.sinceId ?? p.minId],
  );
  const excludeReplies = req.query.get('exclude_replies') === 'true';
  const excludeDirect = req.query.get('exclude_direct') === 'true';
  const list = rows
    .map(rowToStatus)
    .filter(
      (s) =>
        canSee(ctx, s, req.account) &&
        !(excludeReplies && s.inReplyToId !== null) &&
        !(excludeDirect && s.visibility === 'direct'),
    )
    .slice(0, p.limit);
  return json(
    list.map((s) => serializeStatus(ctx, s, req.account)),
    200,
    linkHeader(
      ctx,
      req.path,
      req.query,
      list.map((s) => s.id),
    ),
  );
}

export function accountRoutes(r: Router): void {
  r.add('GET', '/api/v1/accounts/verify_credentials', (ctx, req) => json(serializeCredentialAccount(ctx, me(req))));
  r.add('PATCH', '/api/v1/accounts/update_credentials', updateCredentials);
  r.add('GET', '/api/v1/accounts/lookup', lookup, 'optional');
  r.add('GET', '/api/v1/accounts/search', accountsSearch);
  r.add('GET', '/api/v1/accounts/relationships', relationships);
  r.add('GET', '/api/v1/accounts/familiar_followers', (_ctx, req) =>
    json(req.query.getAll('id[]').map((id) => ({ id, accounts: [] }))),
  );
  r.add('GET', '/api/v2/search', v2Search, 'optional');
  r.add(
    'GET',
    '/api/v1/accounts/:id',
    (ctx, req) => {
      const a = accountById(ctx, req.params.id ?? '');
      return a ? json(serializeAccount(ctx, a)) : notFound();
    },
    'optional',
  );
  r.add('GET', '/api/v1/accounts/:id/statuses', accountStatuses, 'optional');
  for (const list of ['followers', 'following']) {
    r.add(
      'GET',
      `/api/v1/accounts/:id/${list}`,
      (ctx, req) => {
        const a = accountById(ctx, req.params.id ?? '');
        if (!a) return notFound();
        const others = ctx.db.all('SELECT * FROM accounts WHERE domain IS NULL AND id != ?', [a.id]).map(rowToAccount);
        return json(isLocal(a) ? others.map((o) => serializeAccount(ctx, o)) : []);
      },
      'optional',
    );
  }
}
