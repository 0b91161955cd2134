// PostStatusService / UpdateStatusService / RemoveStatusService for local authors.
import type { Ctx } from './context.ts';
import { nowIso } from './context.ts';
import { accountById, acctOf, isLocal, serializeAccount, type Account } from './accounts.ts';
import { canSee, mentionedAccounts, serializeStatus, statusById, VISIBILITIES, type Status, type Visibility } from './statuses.ts';
import { countableLength, extractEntities, formatText, type MentionTarget } from './text.ts';
import { resolveAccount } from './resolve.ts';
import { fanOut, fanOutDelete, fanOutUpdate } from './delivery.ts';
import type { NoteObject } from './activity.ts';

export type ApiError = { ok: false; status: number; body: Record<string, unknown> };
export type Result<T> = { ok: true; value: T } | ApiError;

export function apiError(status: number, error: string, extra: Record<string, unknown> = {}): ApiError {
  return { ok: false, status, body: { error, ...extra } };
}

export interface StatusParams {
  status: string;
  spoilerText: string;
  sensitive: boolean;
  visibility: Visibility;
  language: string | null;
  inReplyToId: string | null;
  allowedMentions: string[] | null;
}

/** Reads POST/PUT /api/v1/statuses params (JSON or form) into typed values, or a 422. */
export function readStatusParams(body: Record<string, unknown>, defaults: { visibility: Visibility }): Result<StatusParams> {
  const str = (k: string): string | undefined => (typeof body[k] === 'string' ? body[k] : undefined);
  const visibility = str('visibility') ?? defaults.visibility;
  if (!(VISIBILITIES as readonly string[]).includes(visibility)) return apiError(422, `Validation failed: Visibility is not included in the list`);
  const raw = body.allowed_mentions;
  const allowed = Array.isArray(raw) ? raw.map((x) => String(x)) : typeof raw === 'string' ? [raw] : null;
  const reply = body.in_reply_to_id;
  const sensitive = body.sensitive === true || body.sensitive === 'true' || body.sensitive === '1';
  return {
    ok: true,
    value: {
      status: str('status') ?? '',
      spoilerText: str('spoiler_text') ?? '',
      sensitive,
      visibility: visibility as Visibility,
      language: str('language') ?? null,
      inReplyToId: typeof reply === 'string' && reply !== '' ? reply : typeof reply === 'number' ? String(reply) : null,
      allowedMentions: allowed,
    },
  };
}

interface ResolvedMentions { accounts: Account[]; byValue: Map<string, MentionTarget> }

/** ProcessMentionsService: @user (local) and @user@domain (remote, resolved through federation). */
async function resolveMentions(ctx: Ctx, text: string): Promise<ResolvedMentions> {
  const accounts = new Map<string, Account>();
  const byValue = new Map<string, MentionTarget>();
  for (const e of extractEntities(text)) {
    if (e.kind !== 'mention' || e.username === undefined) continue;
    const key = e.value.toLowerCase();
    if (byValue.has(key)) continue;
    const r = await resolveAccount(ctx, e.username, e.domain ?? null, false);
    if (!r.ok) continue; // Unresolvable mentions stay literal text, as in Mastodon.
    accounts.set(r.account.id, r.account);
    byValue.set(key, { url: r.account.url, username: r.account.username, acct: acctOf(r.account) });
  }
  return { accounts: [...accounts.values()], byValue };
}

export function renderContent(ctx: Ctx, text: string, byValue: Map<string, MentionTarget>): string {
  return formatText(text, { mention: (v) => byValue.get(v), tagUrl: (t) => `${ctx.origin}/tags/${encodeURIComponent(t)}` });
}

function hashtags(text: string): string[] {
  const seen = new Map<string, string>();
  for (const e of extractEntities(text)) if (e.kind === 'hashtag' && !seen.has(e.value.toLowerCase())) seen.set(e.value.toLowerCase(), e.value);
  return [...seen.values()];
}

function lengthError(ctx: Ctx, p: StatusParams): ApiError | undefined {
  if (countableLength(p.status, p.spoilerText) > ctx.settings.maxCharacters) {
    return apiError(422, `Validation failed: Text character limit of ${ctx.settings.maxCharacters} exceeded`);
  }
  return undefined;
}

export interface InsertOptions { bypassValidation?: boolean; createdAt?: string }

/** Stores a local status and distributes it; shared by the API and the adversary's forgery. */
export async function postStatus(ctx: Ctx, author: Account, p: StatusParams, idempotencyKey: string | null, opts: InsertOptions = {}): Promise<Result<Status>> {
  if (idempotencyKey !== null) {
    const row = ctx.db.get('SELECT status_id FROM idempotency_keys WHERE account_id = ? AND key = ? AND created_at > ?',
      [author.id, idempotencyKey, new Date(Date.now() - 3600_000).toISOString()]);
    const prior = row ? statusById(ctx, String(row.status_id)) : undefined;
    if (prior) return { ok: true, value: prior };
  }
  if (!opts.bypassValidation) {
    if (p.status.trim() === '') return apiError(422, "Validation failed: Text can't be blank");
    const tooLong = lengthError(ctx, p);
    if (tooLong) return tooLong;
  }
  let parent: Status | undefined;
  if (p.inReplyToId !== null) {
    parent = statusById(ctx, p.inReplyToId);
    if (!parent || !canSee(ctx, parent, author)) return apiError(404, 'Record not found');
  }
  const mentions = await resolveMentions(ctx, p.status);
  if (p.allowedMentions !== null) {
    const allowed = new Set(p.allowedMentions);
    const unexpected = mentions.accounts.filter((a) => !allowed.has(a.id));
    if (unexpected.length > 0) {
      return apiError(422, 'Post would be sent to unexpected accounts', { unexpected_accounts: unexpected.map((a) => serializeAccount(ctx, a)) });
    }
  }
  const id = ctx.ids.next();
  const createdAt = opts.createdAt ?? nowIso();
  const status = ctx.db.tx(() => {
    let conversationId = parent?.conversationId ?? null;
    if (conversationId === null) {
      conversationId = ctx.ids.next();
      ctx.db.run('INSERT INTO conversations (id, uri) VALUES (?, ?)', [conversationId, `${ctx.origin}/contexts/${conversationId}`]);
    }
    ctx.db.run(
      `INSERT INTO statuses (id, account_id, uri, url, text, content, spoiler_text, sensitive, visibility, language,
        in_reply_to_id, in_reply_to_account_id, conversation_id, local, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,1,?)`,
      [id, author.id, `${ctx.origin}/users/${author.username}/statuses/${id}`, `${ctx.origin}/@${author.username}/${id}`,
        p.status, renderContent(ctx, p.status, mentions.byValue), p.spoilerText, p.sensitive ? 1 : 0, p.visibility, p.language,
        parent?.id ?? null, parent?.accountId ?? null, conversationId, createdAt],
    );
    for (const a of mentions.accounts) ctx.db.run('INSERT OR IGNORE INTO mentions (status_id, account_id) VALUES (?, ?)', [id, a.id]);
    for (const t of hashtags(p.status)) ctx.db.run('INSERT OR IGNORE INTO tags (status_id, name) VALUES (?, ?)', [id, t]);
    if (idempotencyKey !== null) {
      ctx.db.run('INSERT OR REPLACE INTO idempotency_keys (account_id, key, status_id, created_at) VALUES (?,?,?,?)', [author.id, idempotencyKey, id, nowIso()]);
    }
    return statusById(ctx, id);
  });
  if (!status) return apiError(500, 'status insert failed');
  fanOut(ctx, status);
  federate(ctx, status, 'Create');
  return { ok: true, value: status };
}

export function noteFor(ctx: Ctx, s: Status, actorUri: string): NoteObject {
  const parent = s.inReplyToId === null ? undefined : statusById(ctx, s.inReplyToId);
  const conv = s.conversationId === null ? undefined : ctx.db.get('SELECT uri FROM conversations WHERE id = ?', [s.conversationId]);
  return {
    type: 'Note', id: s.uri, url: s.url, attributedTo: actorUri, published: s.createdAt, updated: s.editedAt,
    content: s.content, spoilerText: s.spoilerText, sensitive: s.sensitive, visibility: s.visibility, language: s.language,
    inReplyTo: parent?.uri ?? null, conversation: conv?.uri === undefined || conv.uri === null ? null : String(conv.uri),
    mentions: mentionedAccounts(ctx, s.id).map((a) => ({ uri: a.uri, acct: a.domain === null ? `${a.username}@${ctx.domain}` : acctOf(a) })),
    tags: ctx.db.all('SELECT name FROM tags WHERE status_id = ?', [s.id]).map((r) => String(r.name)),
  };
}

/** Direct posts go to the instances of mentioned accounts; others to every peer (all follow all). */
export function federate(ctx: Ctx, s: Status, type: 'Create' | 'Update' | 'Delete'): void {
  const author = accountById(ctx, s.accountId);
  if (!author || !isLocal(author)) return; // Only local statuses are federated from here.
  const mentioned = mentionedAccounts(ctx, s.id);
  const domains = s.visibility === 'direct'
    ? new Set(mentioned.flatMap((a) => (a.domain === null ? [] : [a.domain])))
    : new Set([...ctx.peers.keys()].filter((d) => d !== ctx.domain));
  for (const domain of domains) {
    if (type === 'Delete') ctx.outbox.enqueue(domain, { type: 'Delete', actor: author.uri, object: s.uri });
    else ctx.outbox.enqueue(domain, { type, actor: author.uri, object: noteFor(ctx, s, author.uri) });
  }
}

export async function editStatus(ctx: Ctx, author: Account, id: string, body: Record<string, unknown>): Promise<Result<Status>> {
  const s = statusById(ctx, id);
  if (!s || !canSee(ctx, s, author)) return apiError(404, 'Record not found');
  if (s.accountId !== author.id || !isLocal(author)) return apiError(403, 'This action is not allowed');
  const read = readStatusParams(body, { visibility: s.visibility });
  if (!read.ok) return read;
  const p = { ...read.value, visibility: s.visibility, spoilerText: typeof body.spoiler_text === 'string' ? body.spoiler_text : s.spoilerText };
  if (p.status.trim() === '') return apiError(422, "Validation failed: Text can't be blank");
  const tooLong = lengthError(ctx, p);
  if (tooLong) return tooLong;
  const mentions = await resolveMentions(ctx, p.status);
  ctx.db.tx(() => {
    ctx.db.run('UPDATE statuses SET text = ?, content = ?, spoiler_text = ?, sensitive = ?, language = ?, edited_at = ? WHERE id = ?',
      [p.status, renderContent(ctx, p.status, mentions.byValue), p.spoilerText, p.sensitive ? 1 : 0, p.language ?? s.language, nowIso(), id]);
    // Mentions added by an edit are stored; earlier ones stay (Mastodon keeps them, silently).
    for (const a of mentions.accounts) ctx.db.run('INSERT OR IGNORE INTO mentions (status_id, account_id) VALUES (?, ?)', [id, a.id]);
    ctx.db.run('DELETE FROM tags WHERE status_id = ?', [id]);
    for (const t of hashtags(p.status)) ctx.db.run('INSERT OR IGNORE INTO tags (status_id, name) VALUES (?, ?)', [id, t]);
  });
  const updated = statusById(ctx, id);
  if (!updated) return apiError(404, 'Record not found');
  fanOutUpdate(ctx, updated);
  federate(ctx, updated, 'Update');
  return { ok: true, value: updated };
}

/** DELETE returns the status with its source `text`, for "delete & redraft". */
export function deleteStatus(ctx: Ctx, author: Account, id: string): Result<Record<string, unknown>> {
  const s = statusById(ctx, id);
  if (!s || !canSee(ctx, s, author)) return apiError(404, 'Record not found');
  if (s.accountId !== author.id) return apiError(403, 'This action is not allowed');
  const json = { ...serializeStatus(ctx, s, author), text: s.text };
  federate(ctx, s, 'Delete'); // Before marking: federate() reads mentions of a live status.
  ctx.db.run('UPDATE statuses SET deleted_at = ? WHERE id = ?', [nowIso(), id]);
  fanOutDelete(ctx, id);
  return { ok: true, value: json };
}
