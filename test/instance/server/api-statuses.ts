// Status, timeline, conversation, notification, marker and streaming endpoints.
import type { Ctx } from './context.ts';
import { nowIso } from './context.ts';
import { accountById, serializeAccount, type Account } from './accounts.ts';
import { canSee, rowToStatus, serializeStatus, statusById, statusContext } from './statuses.ts';
import { deleteStatus, editStatus, planStatus, readStatusParams, storeStatus, unsavedStatus } from './compose.ts';
import { serializeConversation, serializeNotification } from './delivery.ts';
import { bearer, fail, json, linkHeader, notFound, pageParams, type Reply, type Req, type Router } from './http.ts';
import { str, type Row } from './db.ts';

function me(req: Req): Account {
  if (!req.account) throw new Error('route registered as authenticated');
  return req.account;
}

/** Idempotency keys being processed, per instance (PostStatusService's redis lock). */
const idempotencyLocks = new WeakMap<Ctx, Set<string>>();

async function create(ctx: Ctx, req: Req): Promise<Reply> {
  const header = req.headers['idempotency-key'];
  // `present?`: a blank key is no key.
  const key = typeof header === 'string' && header.trim() !== '' ? header.slice(0, 256) : null;
  const author = me(req);
  if (key === null) return createLocked(ctx, req, author, null);
  // with_redis_lock: a second request with the same key while the first is still being processed
  // is refused (RaceConditionError -> 503), never posted twice.
  const locks = idempotencyLocks.get(ctx) ?? new Set<string>();
  idempotencyLocks.set(ctx, locks);
  const lock = `${author.id}:${key}`;
  if (locks.has(lock))
    return json({ error: 'There was a temporary problem serving your request, please try again' }, 503);
  locks.add(lock);
  try {
    return await createLocked(ctx, req, author, key);
  } finally {
    locks.delete(lock);
  }
}

async function createLocked(ctx: Ctx, req: Req, author: Account, key: string | null): Promise<Reply> {
  const params = readStatusParams(req.body, { visibility: 'public' });
  if (!params.ok) return fail(params);
  const plan = await planStatus(ctx, author, params.value, key);
  if (!plan.ok) return fail(plan);
  if ('prior' in plan.value) return json(serializeStatus(ctx, plan.value.prior, author));
  const behaviour = ctx.adversary.post;
  if (behaviour.mode === 'fake-success') {
    // A lying server: a plausible answer, nothing stored or delivered.
    const s = unsavedStatus(ctx, plan.value);
    return json(
      serializeStatus(ctx, s, author, { unsaved: { mentions: plan.value.mentions.accounts, tags: plan.value.tags } }),
    );
  }
  let toStore = plan.value;
  if (behaviour.mode === 'rewrite') {
    const extra = behaviour.mentionAccountId === undefined ? undefined : accountById(ctx, behaviour.mentionAccountId);
    let accounts = behaviour.dropMentions ? [] : toStore.mentions.accounts;
    if (extra && !accounts.some((a) => a.id === extra.id)) accounts = [...accounts, extra];
    toStore = {
      ...toStore,
      params: { ...toStore.params, visibility: behaviour.visibility ?? toStore.params.visibility },
      mentions: { ...toStore.mentions, accounts },
    };
  }
  const r = storeStatus(ctx, toStore, key);
  if (!r.ok) return fail(r);
  if (behaviour.mode === 'rewrite' && behaviour.answer === 'requested') {
    // The lie covers its tracks: the answer says what the client asked for.
    const shown = serializeStatus(ctx, r.value, author, {
      unsaved: { mentions: plan.value.mentions.accounts, tags: plan.value.tags },
    });
    // A direct status has no `pinned` key (not pinnable).
    if (plan.value.params.visibility === 'direct') delete shown.pinned;
    return json({ ...shown, visibility: plan.value.params.visibility });
  }
  return json(serializeStatus(ctx, r.value, author));
}

function show(ctx: Ctx, req: Req): Reply {
  const s = statusById(ctx, req.params.id ?? '');
  return s && canSee(ctx, s, req.account) ? json(serializeStatus(ctx, s, req.account)) : notFound();
}

function source(ctx: Ctx, req: Req): Reply {
  const s = statusById(ctx, req.params.id ?? '');
  return s && canSee(ctx, s, req.account) ? json({ id: s.id, text: s.text, spoiler_text: s.spoilerText }) : notFound();
}

function context(ctx: Ctx, req: Req): Reply {
  const s = statusById(ctx, req.params.id ?? '');
  if (!s || !canSee(ctx, s, req.account)) return notFound();
  const c = statusContext(ctx, s, req.account);
  return json({
    ancestors: c.ancestors.map((x) => serializeStatus(ctx, x, req.account)),
    descendants: c.descendants.map((x) => serializeStatus(ctx, x, req.account)),
  });
}

/** Keyset pagination over a snowflake column, newest first; min_id pages upward from the cursor. */
function page(rows: Row[], col: string, p: ReturnType<typeof pageParams>): Row[] {
  const id = (r: Row): bigint => BigInt(str(r, col) || '0');
  let list = rows.filter(
    (r) => (p.maxId === null || id(r) < BigInt(p.maxId)) && (p.sinceId === null || id(r) > BigInt(p.sinceId)),
  );
  list.sort((a, b) => (id(a) < id(b) ? 1 : id(a) > id(b) ? -1 : 0));
  if (p.minId !== null) {
    const min = BigInt(p.minId);
    list = list
      .filter((r) => id(r) > min)
      .reverse()
      .slice(0, p.limit)
      .reverse();
  }
  return list.slice(0, p.limit);
}

function homeTimeline(ctx: Ctx, req: Req): Reply {
  const a = me(req);
  const rows = ctx.db.all(
    'SELECT s.* FROM home_feed h JOIN statuses s ON s.id = h.status_id WHERE h.account_id = ? AND s.deleted_at IS NULL',
    [a.id],
  );
  const list = page(rows, 'id', pageParams(req.query)).map(rowToStatus);
  return json(
    list.map((s) => serializeStatus(ctx, s, a)),
    200,
    linkHeader(
      ctx,
      req.path,
      req.query,
      list.map((s) => s.id),
    ),
  );
}

function conversations(ctx: Ctx, req: Req): Reply {
  const a = me(req);
  const rows = ctx.db.all('SELECT * FROM account_conversations WHERE account_id = ? AND last_status_id IS NOT NULL', [
    a.id,
  ]);
  const params = pageParams(req.query);
  const list = page(rows, 'last_status_id', params);
  // Paginated by last_status_id, as ConversationsController does; `next` only while a page is full
  // (records_continue?), so a client following it stops at the end.
  const ids = list.map((r) => str(r, 'last_status_id'));
  return json(
    list.map((r) => serializeConversation(ctx, r, a)),
    200,
    linkHeader(ctx, req.path, req.query, ids, list.length === params.limit ? {} : { next: null }),
  );
}

function conversationAction(ctx: Ctx, req: Req, action: 'read' | 'unread' | 'delete'): Reply {
  const a = me(req);
  const row = ctx.db.get('SELECT * FROM account_conversations WHERE id = ? AND account_id = ?', [
    req.params.id ?? '',
    a.id,
  ]);
  if (!row) return notFound();
  if (action === 'delete') {
    ctx.db.run('DELETE FROM account_conversations WHERE id = ?', [str(row, 'id')]);
    return json({});
  }
  ctx.db.run('UPDATE account_conversations SET unread = ? WHERE id = ?', [action === 'unread' ? 1 : 0, str(row, 'id')]);
  const updated = ctx.db.get('SELECT * FROM account_conversations WHERE id = ?', [str(row, 'id')]);
  return updated ? json(serializeConversation(ctx, updated, a)) : notFound();
}

function notificationRows(ctx: Ctx, req: Req): Row[] {
  const a = me(req);
  const types = [...req.query.getAll('types[]'), ...req.query.getAll('types')];
  const exclude = [...req.query.getAll('exclude_types[]'), ...req.query.getAll('exclude_types')];
  const from = req.query.get('account_id');
  return ctx.db
    .all('SELECT * FROM notifications WHERE account_id = ?', [a.id])
    .filter(
      (r) =>
        (types.length === 0 || types.includes(str(r, 'type'))) &&
        !exclude.includes(str(r, 'type')) &&
        (from === null || str(r, 'from_account_id') === from),
    );
}

function notificationsV1(ctx: Ctx, req: Req): Reply {
  const a = me(req);
  const list = page(notificationRows(ctx, req), 'id', pageParams(req.query, 40, 80));
  const out = list.flatMap((r) => serializeNotification(ctx, r, a) ?? []);
  return json(
    out,
    200,
    linkHeader(
      ctx,
      req.path,
      req.query,
      list.map((r) => str(r, 'id')),
    ),
  );
}

/** Grouped notifications (4.3+). Mentions are never grouped: group_key "ungrouped-<id>". */
function notificationsV2(ctx: Ctx, req: Req): Reply {
  const a = me(req);
  const list = page(notificationRows(ctx, req), 'id', pageParams(req.query, 40, 80));
  const accounts = new Map<string, Record<string, unknown>>();
  const statuses = new Map<string, Record<string, unknown>>();
  const groups = list.flatMap((r) => {
    const from = accountById(ctx, str(r, 'from_account_id'));
    const statusId = r.status_id === null ? null : str(r, 'status_id');
    const s = statusId === null ? undefined : statusById(ctx, statusId);
    if (!from || (statusId !== null && !s)) return [];
    accounts.set(from.id, serializeAccount(ctx, from));
    if (s) statuses.set(s.id, serializeStatus(ctx, s, a));
    const id = str(r, 'id');
    return [
      {
        group_key: `ungrouped-${id}`,
        notifications_count: 1,
        type: str(r, 'type'),
        most_recent_notification_id: id,
        page_min_id: id,
        page_max_id: id,
        latest_page_notification_at: str(r, 'created_at'),
        sample_account_ids: [from.id],
        ...(s ? { status_id: s.id } : {}),
      },
    ];
  });
  return json(
    { accounts: [...accounts.values()], statuses: [...statuses.values()], notification_groups: groups },
    200,
    linkHeader(
      ctx,
      req.path,
      req.query,
      list.map((r) => str(r, 'id')),
    ),
  );
}

function markersGet(ctx: Ctx, req: Req): Reply {
  const a = me(req);
  const wanted = [...req.query.getAll('timeline[]'), ...req.query.getAll('timeline')];
  const out: Record<string, unknown> = {};
  for (const r of ctx.db.all('SELECT * FROM markers WHERE account_id = ?', [a.id])) {
    const t = str(r, 'timeline');
    if (wanted.length > 0 && !wanted.includes(t)) continue;
    out[t] = { last_read_id: str(r, 'last_read_id'), version: Number(r.version), updated_at: str(r, 'updated_at') };
  }
  return json(out);
}

function markersPost(ctx: Ctx, req: Req): Reply {
  const a = me(req);
  for (const t of ['home', 'notifications']) {
    const v = req.body[t];
    const id = typeof v === 'object' && v !== null ? (v as Record<string, unknown>).last_read_id : undefined;
    if (typeof id !== 'string' && typeof id !== 'number') continue;
    ctx.db.run(
      `INSERT INTO markers (account_id, timeline, last_read_id, version, updated_at) VALUES (?,?,?,1,?)
      ON CONFLICT(account_id, timeline) DO UPDATE SET last_read_id = excluded.last_read_id, version = version + 1, updated_at = excluded.updated_at`,
      [a.id, t, String(id), nowIso()],
    );
  }
  return markersGet(ctx, { ...req, query: new URLSearchParams() });
}

function stream(ctx: Ctx, req: Req, name: 'user' | 'direct'): Reply {
  const a = me(req);
  req.res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-store',
    connection: 'keep-alive',
    'access-control-allow-origin': '*',
    'x-accel-buffering': 'no',
  });
  const untrack = ctx.hub.trackToken(bearer(req.raw, req.query), () => req.res.end());
  req.res.on('close', untrack);
  ctx.hub.subscribe(a.id, name, req.res);
  return { status: 200, streaming: true };
}

export function statusRoutes(r: Router): void {
  r.add('POST', '/api/v1/statuses', create);
  r.add('GET', '/api/v1/statuses/:id', show, 'optional');
  r.add('GET', '/api/v1/statuses/:id/source', source);
  r.add('GET', '/api/v1/statuses/:id/context', context, 'optional');
  r.add('PUT', '/api/v1/statuses/:id', async (ctx, req) => {
    const res = await editStatus(ctx, me(req), req.params.id ?? '', req.body);
    return res.ok ? json(serializeStatus(ctx, res.value, req.account)) : fail(res);
  });
  r.add('DELETE', '/api/v1/statuses/:id', (ctx, req) => {
    const res = deleteStatus(ctx, me(req), req.params.id ?? '');
    return res.ok ? json(res.value) : fail(res);
  });
  // Edit history is not kept: the current version is the only entry (README).
  r.add(
    'GET',
    '/api/v1/statuses/:id/history',
    (ctx, req) => {
      const s = statusById(ctx, req.params.id ?? '');
      if (!s || !canSee(ctx, s, req.account)) return notFound();
      const json0 = serializeStatus(ctx, s, req.account);
      return json([
        {
          content: s.content,
          spoiler_text: s.spoilerText,
          sensitive: s.sensitive,
          created_at: s.editedAt ?? s.createdAt,
          account: json0.account,
          poll: null,
          media_attachments: [],
          emojis: [],
        },
      ]);
    },
    'optional',
  );
  for (const action of ['favourited_by', 'reblogged_by'])
    r.add('GET', `/api/v1/statuses/:id/${action}`, () => json([]), 'optional');
  r.add('GET', '/api/v1/timelines/home', homeTimeline);
  r.add('GET', '/api/v1/conversations', conversations);
  r.add('POST', '/api/v1/conversations/:id/read', (ctx, req) => conversationAction(ctx, req, 'read'));
  r.add('POST', '/api/v1/conversations/:id/unread', (ctx, req) => conversationAction(ctx, req, 'unread'));
  r.add('DELETE', '/api/v1/conversations/:id', (ctx, req) => conversationAction(ctx, req, 'delete'));
  r.add('GET', '/api/v1/notifications', notificationsV1);
  r.add('GET', '/api/v2/notifications', notificationsV2);
  r.add('GET', '/api/v1/notifications/unread_count', (ctx, req) => json({ count: notificationRows(ctx, req).length }));
  r.add('GET', '/api/v2/notifications/unread_count', (ctx, req) => json({ count: notificationRows(ctx, req).length }));
  r.add('GET', '/api/v1/notifications/:id', (ctx, req) => {
    const row = ctx.db.get('SELECT * FROM notifications WHERE id = ? AND account_id = ?', [
      req.params.id ?? '',
      me(req).id,
    ]);
    const n = row ? serializeNotification(ctx, row, me(req)) : undefined;
    return n ? json(n) : notFound();
  });
  r.add('GET', '/api/v1/markers', markersGet);
  r.add('POST', '/api/v1/markers', markersPost);
  r.add('GET', '/api/v1/streaming/user', (ctx, req) => stream(ctx, req, 'user'));
  r.add('GET', '/api/v1/streaming/direct', (ctx, req) => stream(ctx, req, 'direct'));
  r.add('GET', '/api/v1/streaming/health', () => ({ status: 200, body: 'OK', contentType: 'text/plain' }), 'none');
}
