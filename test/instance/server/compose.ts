// PostStatusService / UpdateStatusService / RemoveStatusService for local authors.
import type { Ctx } from './context.ts';
import { nowIso } from './context.ts';
import { accountById, acctOf, isLocal, serializeAccount, type Account } from './accounts.ts';
import {
  canSee,
  mentionedAccounts,
  serializeStatus,
  statusById,
  VISIBILITIES,
  type Status,
  type Visibility,
} from './statuses.ts';
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
  /** The requested visibility was not one of the enum's: a validation error at save (the default stands in). */
  invalidVisibility: boolean;
}

/** ActiveModel::Type::Boolean: blank is nil; "0", "f", "false", "off" (any case) are false; anything else is true. */
function castBoolean(v: unknown): boolean | null {
  if (typeof v === 'boolean') return v;
  // `permit` drops anything that is not a scalar.
  if ((typeof v !== 'string' && typeof v !== 'number') || v === '') return null;
  return !['0', 'f', 'false', 'off'].includes(String(v).toLowerCase());
}

/**
 * Reads POST/PUT /api/v1/statuses params (JSON or form) into typed values, as PostStatusService's
 * preprocess_attributes! does: blank text with a CW posts the CW as the text (and no CW), a CW
 * makes the status sensitive, an unknown visibility is only an error at save (planStatus).
 */
export function readStatusParams(
  body: Record<string, unknown>,
  defaults: { visibility: Visibility },
): Result<StatusParams> {
  const str = (k: string): string | undefined => (typeof body[k] === 'string' ? body[k] : undefined);
  // Only a scalar survives `permit`; a blank one is absent (`||` the user's default).
  const rawVisibility = body.visibility;
  const requested =
    typeof rawVisibility === 'string' || typeof rawVisibility === 'number'
      ? String(rawVisibility) || undefined
      : undefined;
  const known = requested === undefined || (VISIBILITIES as readonly string[]).includes(requested);
  const visibility = known && requested !== undefined ? requested : defaults.visibility;
  // `params.permit(allowed_mentions: [])`: only an array survives (a scalar is dropped, so no
  // check at all); non-scalar elements are filtered out of it.
  const raw = body.allowed_mentions;
  const allowed = Array.isArray(raw)
    ? raw.filter((x) => typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean').map((x) => String(x))
    : null;
  const reply = body.in_reply_to_id;
  let text = str('status') ?? '';
  let spoilerText = str('spoiler_text') ?? '';
  const hasSpoiler = spoilerText.trim() !== '';
  // `@sensitive = (sensitive.nil? ? default_sensitive : sensitive) || spoiler_text.present?`
  const sensitive = (castBoolean(body.sensitive) ?? false) || hasSpoiler;
  // `@text = @options.delete(:spoiler_text) if @text.blank? && @options[:spoiler_text].present?`
  if (text.trim() === '' && hasSpoiler) {
    text = spoilerText;
    spoilerText = '';
  }
  return {
    ok: true,
    value: {
      status: text,
      spoilerText,
      sensitive,
      visibility: visibility as Visibility,
      language: str('language') ?? null,
      inReplyToId: typeof reply === 'string' && reply !== '' ? reply : typeof reply === 'number' ? String(reply) : null,
      allowedMentions: allowed,
      invalidVisibility: !known,
    },
  };
}

export interface ResolvedMentions {
  accounts: Account[];
  byValue: Map<string, MentionTarget>;
}

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
  return formatText(text, {
    mention: (v) => byValue.get(v),
    tagUrl: (t) => `${ctx.origin}/tags/${encodeURIComponent(t)}`,
  });
}

function hashtags(text: string): string[] {
  const seen = new Map<string, string>();
  for (const e of extractEntities(text))
    if (e.kind === 'hashtag' && !seen.has(e.value.toLowerCase())) seen.set(e.value.toLowerCase(), e.value);
  return [...seen.values()];
}

function lengthError(ctx: Ctx, p: StatusParams): ApiError | undefined {
  if (countableLength(p.status, p.spoilerText) > ctx.settings.maxCharacters) {
    return apiError(422, `Validation failed: Text character limit of ${ctx.settings.maxCharacters} exceeded`);
  }
  return undefined;
}

export interface InsertOptions {
  bypassValidation?: boolean;
  createdAt?: string;
}

/** Ruby's String#to_i: optional leading whitespace and sign, then digits; anything else is 0. */
export function rubyToI(v: string): bigint {
  const m = /^\s*([+-]?\d+)/.exec(v.replace(/_(?=\d)/g, ''));
  return m?.[1] ? BigInt(m[1]) : 0n;
}

/** A status checked and resolved, not yet stored (PostStatusService up to `@status.save!`). */
export interface StatusPlan {
  author: Account;
  params: StatusParams;
  parent: Status | undefined;
  mentions: ResolvedMentions;
  tags: string[];
}

const IN_REPLY_NOT_FOUND = 'The post you are trying to reply to does not appear to exist.';

/**
 * The status a repeated Idempotency-Key stands for (kept 1 h). `@account.statuses.find(id)`: if
 * that status was deleted since, the repeat is a 404, not a new post.
 */
function idempotentPrior(ctx: Ctx, author: Account, key: string | null): Result<Status | undefined> {
  if (key === null) return { ok: true, value: undefined };
  const row = ctx.db.get('SELECT status_id FROM idempotency_keys WHERE account_id = ? AND key = ? AND created_at > ?', [
    author.id,
    key,
    new Date(Date.now() - 3600_000).toISOString(),
  ]);
  if (!row) return { ok: true, value: undefined };
  const prior = statusById(ctx, String(row.status_id));
  return prior ? { ok: true, value: prior } : apiError(404, 'Record not found');
}

/** The record's validation errors in Mastodon's order (visibility enum, then text presence, then length). */
function validationError(ctx: Ctx, p: StatusParams, opts: InsertOptions): ApiError | undefined {
  const errors: string[] = [];
  if (p.invalidVisibility) errors.push('Visibility is not included in the list');
  if (!opts.bypassValidation) {
    if (p.status.trim() === '') errors.push("Text can't be blank");
    else if (countableLength(p.status, p.spoilerText) > ctx.settings.maxCharacters)
      errors.push(`Text character limit of ${ctx.settings.maxCharacters} exceeded`);
  }
  return errors.length > 0 ? apiError(422, `Validation failed: ${errors.join(', ')}`) : undefined;
}

/**
 * Mastodon's order: the replied-to status (404, a before_action), then the idempotency key (a
 * repeat returns the first status, whatever this request says), then mentions and
 * `allowed_mentions` (422 + unexpected_accounts), then the model validations (blank, length).
 */
export async function planStatus(
  ctx: Ctx,
  author: Account,
  p: StatusParams,
  idempotencyKey: string | null,
  opts: InsertOptions = {},
): Promise<Result<StatusPlan | { prior: Status }>> {
  let parent: Status | undefined;
  if (p.inReplyToId !== null) {
    parent = statusById(ctx, p.inReplyToId);
    if (!parent || !canSee(ctx, parent, author)) return apiError(404, IN_REPLY_NOT_FOUND);
  }
  const prior = idempotentPrior(ctx, author, idempotencyKey);
  if (!prior.ok) return prior;
  if (prior.value) return { ok: true, value: { prior: prior.value } };
  const mentions = await resolveMentions(ctx, p.status);
  if (p.allowedMentions !== null) {
    const allowed = new Set(p.allowedMentions.map(rubyToI));
    const unexpected = mentions.accounts.filter((a) => !allowed.has(BigInt(a.id)));
    if (unexpected.length > 0) {
      return apiError(422, 'Post would be sent to unexpected accounts', {
        unexpected_accounts: unexpected.map((a) => serializeAccount(ctx, a)),
      });
    }
  }
  const invalid = validationError(ctx, p, opts);
  if (invalid) return invalid;
  return { ok: true, value: { author, params: p, parent, mentions, tags: hashtags(p.status) } };
}

/** Inserts a planned status (statuses, mentions, tags, idempotency key) and distributes it. */
export function storeStatus(
  ctx: Ctx,
  plan: StatusPlan,
  idempotencyKey: string | null,
  opts: InsertOptions = {},
): Result<Status> {
  const { author, params: p, parent, mentions } = plan;
  const id = ctx.ids.next();
  const createdAt = opts.createdAt ?? nowIso();
  const status = ctx.db.tx(() => {
    let conversationId = parent?.conversationId ?? null;
    if (conversationId === null) {
      conversationId = ctx.ids.next();
      ctx.db.run('INSERT INTO conversations (id, uri) VALUES (?, ?)', [
        conversationId,
        `${ctx.origin}/contexts/${conversationId}`,
      ]);
    }
    ctx.db.run(
      `INSERT INTO statuses (id, account_id, uri, url, text, content, spoiler_text, sensitive, visibility, language,
        in_reply_to_id, in_reply_to_account_id, conversation_id, local, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,1,?)`,
      [
        id,
        author.id,
        `${ctx.origin}/users/${author.username}/statuses/${id}`,
        `${ctx.origin}/@${author.username}/${id}`,
        p.status,
        renderContent(ctx, p.status, mentions.byValue),
        p.spoilerText,
        p.sensitive ? 1 : 0,
        p.visibility,
        p.language,
        parent?.id ?? null,
        parent?.accountId ?? null,
        conversationId,
        createdAt,
      ],
    );
    for (const a of mentions.accounts)
      ctx.db.run('INSERT OR IGNORE INTO mentions (status_id, account_id) VALUES (?, ?)', [id, a.id]);
    for (const t of plan.tags) ctx.db.run('INSERT OR IGNORE INTO tags (status_id, name) VALUES (?, ?)', [id, t]);
    if (idempotencyKey !== null) {
      ctx.db.run('INSERT OR REPLACE INTO idempotency_keys (account_id, key, status_id, created_at) VALUES (?,?,?,?)', [
        author.id,
        idempotencyKey,
        id,
        nowIso(),
      ]);
    }
    return statusById(ctx, id);
  });
  if (!status) return apiError(500, 'status insert failed');
  fanOut(ctx, status);
  federate(ctx, status, 'Create');
  return { ok: true, value: status };
}

/** Stores a local status and distributes it; shared by the API and the adversary's forgery. */
export async function postStatus(
  ctx: Ctx,
  author: Account,
  p: StatusParams,
  idempotencyKey: string | null,
  opts: InsertOptions = {},
): Promise<Result<Status>> {
  const plan = await planStatus(ctx, author, p, idempotencyKey, opts);
  if (!plan.ok) return plan;
  if ('prior' in plan.value) return { ok: true, value: plan.value.prior };
  return storeStatus(ctx, plan.value, idempotencyKey, opts);
}

/** The Status a plan would become, never stored (the adversary's fake success). */
export function unsavedStatus(ctx: Ctx, plan: StatusPlan): Status {
  const id = ctx.ids.next();
  const { author, params: p, parent } = plan;
  return {
    id,
    accountId: author.id,
    uri: `${ctx.origin}/users/${author.username}/statuses/${id}`,
    url: `${ctx.origin}/@${author.username}/${id}`,
    text: p.status,
    content: renderContent(ctx, p.status, plan.mentions.byValue),
    spoilerText: p.spoilerText,
    sensitive: p.sensitive,
    visibility: p.visibility,
    language: p.language,
    inReplyToId: parent?.id ?? null,
    inReplyToAccountId: parent?.accountId ?? null,
    conversationId: null,
    local: true,
    createdAt: nowIso(),
    editedAt: null,
    deletedAt: null,
    mediaCount: 0,
    card: false,
    poll: false,
    quoteId: null,
  };
}

export function noteFor(ctx: Ctx, s: Status, actorUri: string): NoteObject {
  const parent = s.inReplyToId === null ? undefined : statusById(ctx, s.inReplyToId);
  const conv =
    s.conversationId === null
      ? undefined
      : ctx.db.get('SELECT uri FROM conversations WHERE id = ?', [s.conversationId]);
  return {
    type: 'Note',
    id: s.uri,
    url: s.url,
    attributedTo: actorUri,
    published: s.createdAt,
    updated: s.editedAt,
    content: s.content,
    spoilerText: s.spoilerText,
    sensitive: s.sensitive,
    visibility: s.visibility,
    language: s.language,
    inReplyTo: parent?.uri ?? null,
    conversation: conv?.uri === undefined || conv.uri === null ? null : String(conv.uri),
    mentions: mentionedAccounts(ctx, s.id).map((a) => ({
      uri: a.uri,
      acct: a.domain === null ? `${a.username}@${ctx.domain}` : acctOf(a),
    })),
    tags: ctx.db.all('SELECT name FROM tags WHERE status_id = ?', [s.id]).map((r) => String(r.name)),
  };
}

/** Direct posts go to the instances of mentioned accounts; others to every peer (all follow all). */
export function federate(ctx: Ctx, s: Status, type: 'Create' | 'Update' | 'Delete'): void {
  const author = accountById(ctx, s.accountId);
  if (!author || !isLocal(author)) return; // Only local statuses are federated from here.
  const mentioned = mentionedAccounts(ctx, s.id);
  const domains =
    s.visibility === 'direct'
      ? new Set(mentioned.flatMap((a) => (a.domain === null ? [] : [a.domain])))
      : new Set([...ctx.peers.keys()].filter((d) => d !== ctx.domain));
  for (const domain of domains) {
    if (type === 'Delete') ctx.outbox.enqueue(domain, { type: 'Delete', actor: author.uri, object: s.uri });
    else ctx.outbox.enqueue(domain, { type, actor: author.uri, object: noteFor(ctx, s, author.uri) });
  }
}

export async function editStatus(
  ctx: Ctx,
  author: Account,
  id: string,
  body: Record<string, unknown>,
): Promise<Result<Status>> {
  const s = statusById(ctx, id);
  // `Status.where(account: current_account).find(id)`: someone else's status is simply not found.
  if (!s || s.accountId !== author.id || !isLocal(author)) return apiError(404, 'Record not found');
  const read = readStatusParams(body, { visibility: s.visibility });
  if (!read.ok) return read;
  const p = {
    ...read.value,
    visibility: s.visibility,
    spoilerText: typeof body.spoiler_text === 'string' ? body.spoiler_text : s.spoilerText,
  };
  if (p.status.trim() === '') return apiError(422, "Validation failed: Text can't be blank");
  const tooLong = lengthError(ctx, p);
  if (tooLong) return tooLong;
  const mentions = await resolveMentions(ctx, p.status);
  ctx.db.tx(() => {
    ctx.db.run(
      'UPDATE statuses SET text = ?, content = ?, spoiler_text = ?, sensitive = ?, language = ?, edited_at = ? WHERE id = ?',
      [
        p.status,
        renderContent(ctx, p.status, mentions.byValue),
        p.spoilerText,
        p.sensitive ? 1 : 0,
        p.language ?? s.language,
        nowIso(),
        id,
      ],
    );
    // Mentions added by an edit are stored; earlier ones stay (Mastodon keeps them, silently).
    for (const a of mentions.accounts)
      ctx.db.run('INSERT OR IGNORE INTO mentions (status_id, account_id) VALUES (?, ?)', [id, a.id]);
    ctx.db.run('DELETE FROM tags WHERE status_id = ?', [id]);
    for (const t of hashtags(p.status))
      ctx.db.run('INSERT OR IGNORE INTO tags (status_id, name) VALUES (?, ?)', [id, t]);
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
  if (!s || s.accountId !== author.id) return apiError(404, 'Record not found');
  const json = serializeStatus(ctx, s, author, { sourceRequested: true });
  federate(ctx, s, 'Delete'); // Before marking: federate() reads mentions of a live status.
  ctx.db.run('UPDATE statuses SET deleted_at = ? WHERE id = ?', [nowIso(), id]);
  fanOutDelete(ctx, id);
  return { ok: true, value: json };
}
