// Local fan-out after FanOutOnWriteService / NotifyService: home feeds, mention notifications,
// conversations, and the matching streaming events. All seeded local users follow each other.
import { str, num, type Row } from './db.ts';
import type { Ctx } from './context.ts';
import { nowIso } from './context.ts';
import { accountById, isLocal, serializeAccount, type Account } from './accounts.ts';
import { mentionedAccounts, serializeStatus, statusById, type Status } from './statuses.ts';

function localAccounts(ctx: Ctx): Account[] {
  return ctx.db
    .all('SELECT id FROM accounts WHERE domain IS NULL ORDER BY id')
    .flatMap((r) => accountById(ctx, str(r, 'id')) ?? []);
}

function pushHome(ctx: Ctx, account: Account, s: Status): void {
  ctx.db.run('INSERT OR IGNORE INTO home_feed (account_id, status_id) VALUES (?, ?)', [account.id, s.id]);
  ctx.hub.emit(account.id, 'user', 'update', JSON.stringify(serializeStatus(ctx, s, account)));
}

export function serializeNotification(ctx: Ctx, row: Row, viewer: Account): Record<string, unknown> | undefined {
  const from = accountById(ctx, str(row, 'from_account_id'));
  const statusId = row.status_id === null ? null : str(row, 'status_id');
  const status = statusId === null ? undefined : statusById(ctx, statusId);
  if (!from || (statusId !== null && !status)) return undefined;
  return {
    id: str(row, 'id'),
    type: str(row, 'type'),
    created_at: str(row, 'created_at'),
    group_key: `ungrouped-${str(row, 'id')}`,
    account: serializeAccount(ctx, from),
    ...(status ? { status: serializeStatus(ctx, status, viewer) } : {}),
  };
}

function notifyMention(ctx: Ctx, account: Account, s: Status): void {
  const id = ctx.ids.next();
  ctx.db.run(
    'INSERT INTO notifications (id, account_id, from_account_id, type, status_id, created_at) VALUES (?,?,?,?,?,?)',
    [id, account.id, s.accountId, 'mention', s.id, nowIso()],
  );
  const row = ctx.db.get('SELECT * FROM notifications WHERE id = ?', [id]);
  const json = row ? serializeNotification(ctx, row, account) : undefined;
  if (json) ctx.hub.emit(account.id, 'user', 'notification', JSON.stringify(json));
}

function parseIds(json: string): string[] {
  try {
    const v: unknown = JSON.parse(json);
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

function maxId(ids: string[]): string | null {
  return ids.reduce<string | null>((m, id) => (m === null || BigInt(id) > BigInt(m) ? id : m), null);
}

export function serializeConversation(ctx: Ctx, row: Row, viewer: Account): Record<string, unknown> {
  const others = parseIds(str(row, 'participant_ids')).flatMap((id) => accountById(ctx, id) ?? []);
  // AccountConversation#participant_accounts: a conversation with nobody else lists its owner.
  const participants = others.length > 0 ? others : [viewer];
  const lastId = row.last_status_id === null ? null : str(row, 'last_status_id');
  const last = lastId === null ? undefined : statusById(ctx, lastId);
  return {
    id: str(row, 'id'),
    unread: num(row, 'unread') !== 0,
    accounts: participants.map((a) => serializeAccount(ctx, a)),
    last_status: last ? serializeStatus(ctx, last, viewer) : null,
  };
}

function emitConversation(ctx: Ctx, rowId: string, account: Account): void {
  const row = ctx.db.get('SELECT * FROM account_conversations WHERE id = ?', [rowId]);
  if (row) ctx.hub.emit(account.id, 'direct', 'conversation', JSON.stringify(serializeConversation(ctx, row, account)));
}

/** AccountConversation.add_status: one entry per owner, conversation and participant set. */
function addToConversation(ctx: Ctx, account: Account, s: Status, participants: Account[]): void {
  if (s.conversationId === null) return;
  const others = [...new Set(participants.map((p) => p.id).filter((id) => id !== account.id))].sort();
  const key = JSON.stringify(others);
  const existing = ctx.db.get(
    'SELECT * FROM account_conversations WHERE account_id = ? AND conversation_id = ? AND participant_ids = ?',
    [account.id, s.conversationId, key],
  );
  const unread = account.id === s.accountId ? 0 : 1;
  let rowId: string;
  if (existing) {
    rowId = str(existing, 'id');
    const ids = [...new Set([...parseIds(str(existing, 'status_ids')), s.id])];
    ctx.db.run('UPDATE account_conversations SET status_ids = ?, last_status_id = ?, unread = ? WHERE id = ?', [
      JSON.stringify(ids),
      maxId(ids),
      unread,
      rowId,
    ]);
  } else {
    rowId = ctx.ids.next();
    ctx.db.run(
      'INSERT INTO account_conversations (id, account_id, conversation_id, participant_ids, status_ids, last_status_id, unread) VALUES (?,?,?,?,?,?,?)',
      [rowId, account.id, s.conversationId, key, JSON.stringify([s.id]), s.id, unread],
    );
  }
  emitConversation(ctx, rowId, account);
}

export interface FanOutOptions {
  /** Adversary replay: deliver only to this local account. */
  onlyTo?: string;
}

/** Distributes a freshly stored status (local or received) to local accounts. */
export function fanOut(ctx: Ctx, s: Status, opts: FanOutOptions = {}): void {
  const author = accountById(ctx, s.accountId);
  if (!author) return;
  const mentioned = mentionedAccounts(ctx, s.id);
  const participants = [author, ...mentioned];
  const wanted = (a: Account): boolean => opts.onlyTo === undefined || opts.onlyTo === a.id;
  const mentionedIds = new Set(mentioned.map((m) => m.id));
  if (isLocal(author) && wanted(author)) {
    pushHome(ctx, author, s);
    if (s.visibility === 'direct') addToConversation(ctx, author, s, participants);
  }
  for (const account of localAccounts(ctx)) {
    if (account.id === author.id || !wanted(account)) continue;
    const isMentioned = mentionedIds.has(account.id);
    if (s.visibility === 'direct' && !isMentioned) continue;
    pushHome(ctx, account, s);
    if (isMentioned) {
      notifyMention(ctx, account, s);
      if (s.visibility === 'direct') addToConversation(ctx, account, s, participants);
    }
  }
}

function holders(ctx: Ctx, statusId: string): Account[] {
  return ctx.db
    .all('SELECT account_id FROM home_feed WHERE status_id = ?', [statusId])
    .flatMap((r) => accountById(ctx, str(r, 'account_id')) ?? []);
}

/** After an edit: `status.update` to every local account that has the status in its home feed. */
export function fanOutUpdate(ctx: Ctx, s: Status): void {
  for (const account of holders(ctx, s.id)) {
    ctx.hub.emit(account.id, 'user', 'status.update', JSON.stringify(serializeStatus(ctx, s, account)));
  }
}

/** After a delete: drop it from feeds, notifications and conversations; stream `delete`. */
export function fanOutDelete(ctx: Ctx, statusId: string): void {
  for (const account of holders(ctx, statusId)) ctx.hub.emit(account.id, 'user', 'delete', statusId);
  ctx.db.run('DELETE FROM home_feed WHERE status_id = ?', [statusId]);
  ctx.db.run('DELETE FROM notifications WHERE status_id = ?', [statusId]);
  for (const row of ctx.db.all('SELECT * FROM account_conversations')) {
    const ids = parseIds(str(row, 'status_ids'));
    if (!ids.includes(statusId)) continue;
    const rest = ids.filter((id) => id !== statusId);
    const rowId = str(row, 'id');
    if (rest.length === 0) {
      ctx.db.run('DELETE FROM account_conversations WHERE id = ?', [rowId]);
      continue;
    }
    ctx.db.run('UPDATE account_conversations SET status_ids = ?, last_status_id = ? WHERE id = ?', [
      JSON.stringify(rest),
      maxId(rest),
      rowId,
    ]);
    const owner = accountById(ctx, str(row, 'account_id'));
    if (owner) emitConversation(ctx, rowId, owner);
  }
}
