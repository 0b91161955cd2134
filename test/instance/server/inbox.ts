// The receiving side of federation: POST /inbox with a signed, simplified activity. The signature
// is an HMAC over "<sender domain>\n<body>" with the per-federation secret (stand-in for HTTP
// Signatures); the actor must live on the sender's origin, so one instance cannot speak for another.
import { timingSafeEqual } from 'node:crypto';
import type { Ctx } from './context.ts';
import { nowIso } from './context.ts';
import { accountByUri, type Account } from './accounts.ts';
import { parseActivity, type NoteObject } from './activity.ts';
import { signDelivery } from './outbox.ts';
import { sanitizeHtml } from './sanitize.ts';
import { resolveActorUri } from './resolve.ts';
import { statusByUri, type Status } from './statuses.ts';
import { fanOut, fanOutDelete, fanOutUpdate } from './delivery.ts';

export type InboxResult = { ok: true; status: number } | { ok: false; status: number; error: string };

function verify(ctx: Ctx, fromDomain: string, signature: string, body: string): boolean {
  const expected = Buffer.from(signDelivery(ctx.secret, fromDomain, body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

async function mentionTargets(ctx: Ctx, note: NoteObject): Promise<Account[]> {
  const out: Account[] = [];
  for (const m of note.mentions) {
    const known = accountByUri(ctx, m.uri);
    if (known) out.push(known);
    else {
      const r = await resolveActorUri(ctx, m.uri);
      if (r.ok) out.push(r.account);
    }
  }
  return out;
}

function conversationFor(ctx: Ctx, note: NoteObject, parent: Status | undefined): string {
  if (parent?.conversationId) return parent.conversationId;
  if (note.conversation !== null) {
    const row = ctx.db.get('SELECT id FROM conversations WHERE uri = ?', [note.conversation]);
    if (row) return String(row.id);
  }
  const id = ctx.ids.next();
  ctx.db.run('INSERT INTO conversations (id, uri) VALUES (?, ?)', [id, note.conversation]);
  return id;
}

async function create(ctx: Ctx, author: Account, note: NoteObject): Promise<InboxResult> {
  if (statusByUri(ctx, note.id)) return { ok: true, status: 202 }; // Already have it: idempotent.
  const mentions = await mentionTargets(ctx, note);
  const parent = note.inReplyTo === null ? undefined : statusByUri(ctx, note.inReplyTo);
  const id = ctx.ids.next();
  ctx.db.tx(() => {
    const conversationId = conversationFor(ctx, note, parent);
    // As in Mastodon, a remote status's `text` is the HTML it arrived with; `content` is sanitized.
    ctx.db.run(
      `INSERT INTO statuses (id, account_id, uri, url, text, content, spoiler_text, sensitive, visibility, language,
        in_reply_to_id, in_reply_to_account_id, conversation_id, local, created_at, edited_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,0,?,?)`,
      [
        id,
        author.id,
        note.id,
        note.url,
        note.content,
        sanitizeHtml(note.content),
        note.spoilerText,
        note.sensitive ? 1 : 0,
        note.visibility,
        note.language,
        parent?.id ?? null,
        parent?.accountId ?? null,
        conversationId,
        note.published,
        note.updated,
      ],
    );
    for (const a of mentions)
      ctx.db.run('INSERT OR IGNORE INTO mentions (status_id, account_id) VALUES (?, ?)', [id, a.id]);
    for (const t of note.tags) ctx.db.run('INSERT OR IGNORE INTO tags (status_id, name) VALUES (?, ?)', [id, t]);
  });
  const s = statusByUri(ctx, note.id);
  if (s) fanOut(ctx, s);
  return { ok: true, status: 202 };
}

function update(ctx: Ctx, author: Account, note: NoteObject): InboxResult {
  const s = statusByUri(ctx, note.id);
  // Mastodon ignores an Update of a status it never received (and still answers 202).
  if (!s || s.deletedAt !== null) return { ok: true, status: 202 };
  if (s.accountId !== author.id) return { ok: false, status: 403, error: 'not the author' };
  ctx.db.run('UPDATE statuses SET text = ?, content = ?, spoiler_text = ?, sensitive = ?, edited_at = ? WHERE id = ?', [
    note.content,
    sanitizeHtml(note.content),
    note.spoilerText,
    note.sensitive ? 1 : 0,
    note.updated ?? nowIso(),
    s.id,
  ]);
  const updated = statusByUri(ctx, note.id);
  if (updated) fanOutUpdate(ctx, updated);
  return { ok: true, status: 202 };
}

function remove(ctx: Ctx, author: Account, uri: string): InboxResult {
  const s = statusByUri(ctx, uri);
  if (!s || s.deletedAt !== null) return { ok: true, status: 202 };
  if (s.accountId !== author.id) return { ok: false, status: 403, error: 'not the author' };
  ctx.db.run('UPDATE statuses SET deleted_at = ? WHERE id = ?', [nowIso(), s.id]);
  fanOutDelete(ctx, s.id);
  return { ok: true, status: 202 };
}

export async function receive(ctx: Ctx, fromDomain: string, signature: string, body: string): Promise<InboxResult> {
  const origin = ctx.peers.get(fromDomain);
  if (origin === undefined || fromDomain === ctx.domain) return { ok: false, status: 401, error: 'unknown sender' };
  if (!verify(ctx, fromDomain, signature, body)) return { ok: false, status: 401, error: 'bad signature' };
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { ok: false, status: 400, error: 'body is not JSON' };
  }
  const parsed = parseActivity(json);
  if (!parsed.ok) return { ok: false, status: 422, error: parsed.error };
  const activity = parsed.value;
  if (!activity.actor.startsWith(`${origin}/`))
    return { ok: false, status: 401, error: 'actor is not on the sender origin' };
  const objectUri = typeof activity.object === 'string' ? activity.object : activity.object.id;
  if (!objectUri.startsWith(`${origin}/`))
    return { ok: false, status: 401, error: 'object is not on the sender origin' };
  const actor = await resolveActorUri(ctx, activity.actor);
  if (!actor.ok) return { ok: false, status: 422, error: `cannot resolve actor: ${actor.error}` };
  if (activity.type === 'Delete') return remove(ctx, actor.account, activity.object);
  return activity.type === 'Create'
    ? create(ctx, actor.account, activity.object)
    : update(ctx, actor.account, activity.object);
}
