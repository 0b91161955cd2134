// Statuses: rows, who may see them, and REST::StatusSerializer JSON.
import { num, str, strOrNull, type Row } from './db.ts';
import type { Ctx } from './context.ts';
import { accountById, claimedIdentity, rowToAccount, serializeAccount, type Account } from './accounts.ts';

export type Visibility = 'public' | 'unlisted' | 'private' | 'direct';
export const VISIBILITIES: readonly Visibility[] = ['public', 'unlisted', 'private', 'direct'];

export interface Status {
  id: string;
  accountId: string;
  uri: string;
  url: string;
  text: string;
  content: string;
  spoilerText: string;
  sensitive: boolean;
  visibility: Visibility;
  language: string | null;
  inReplyToId: string | null;
  inReplyToAccountId: string | null;
  conversationId: string | null;
  local: boolean;
  createdAt: string;
  editedAt: string | null;
  deletedAt: string | null;
  /** Media attachments / a preview card: only an adversary patch (patchStatus) sets them. */
  mediaCount: number;
  card: boolean;
  /** A poll / the quoted status id (Mastodon 4.4+ quotes): only an adversary patch sets them. */
  poll: boolean;
  quoteId: string | null;
}

function asVisibility(v: string): Visibility {
  return (VISIBILITIES as readonly string[]).includes(v) ? (v as Visibility) : 'direct';
}

export function rowToStatus(row: Row): Status {
  return {
    id: str(row, 'id'),
    accountId: str(row, 'account_id'),
    uri: str(row, 'uri'),
    url: str(row, 'url'),
    text: str(row, 'text'),
    content: str(row, 'content'),
    spoilerText: str(row, 'spoiler_text'),
    sensitive: num(row, 'sensitive') !== 0,
    visibility: asVisibility(str(row, 'visibility')),
    language: strOrNull(row, 'language'),
    inReplyToId: strOrNull(row, 'in_reply_to_id'),
    inReplyToAccountId: strOrNull(row, 'in_reply_to_account_id'),
    conversationId: strOrNull(row, 'conversation_id'),
    local: num(row, 'local') !== 0,
    createdAt: str(row, 'created_at'),
    editedAt: strOrNull(row, 'edited_at'),
    deletedAt: strOrNull(row, 'deleted_at'),
    mediaCount: num(row, 'media_count'),
    card: num(row, 'card') !== 0,
    poll: num(row, 'poll') !== 0,
    quoteId: strOrNull(row, 'quote_id'),
  };
}

export function statusById(ctx: Ctx, id: string): Status | undefined {
  const row = ctx.db.get('SELECT * FROM statuses WHERE id = ? AND deleted_at IS NULL', [id]);
  return row ? rowToStatus(row) : undefined;
}

export function statusByUri(ctx: Ctx, uri: string): Status | undefined {
  const row = ctx.db.get('SELECT * FROM statuses WHERE uri = ?', [uri]);
  return row ? rowToStatus(row) : undefined;
}

/** In the order they were created (Mastodon sorts `ordered_mentions` by mention id). */
export function mentionedAccounts(ctx: Ctx, statusId: string): Account[] {
  return ctx.db
    .all('SELECT a.* FROM mentions m JOIN accounts a ON a.id = m.account_id WHERE m.status_id = ? ORDER BY m.rowid', [
      statusId,
    ])
    .map(rowToAccount);
}

/** StatusPolicy#show? simplified: every local pair follows each other (see README). */
export function canSee(ctx: Ctx, s: Status, viewer: Account | undefined): boolean {
  if (s.deletedAt !== null) return false;
  if (s.visibility === 'public' || s.visibility === 'unlisted') return true;
  if (!viewer) return false;
  if (viewer.id === s.accountId) return true;
  const mentioned =
    ctx.db.get('SELECT 1 AS x FROM mentions WHERE status_id = ? AND account_id = ?', [s.id, viewer.id]) !== undefined;
  if (s.visibility === 'direct') return mentioned;
  return true;
}

export interface SerializeOptions {
  /** DELETE answers with `text` (the source) instead of `content` (`source_requested`). */
  sourceRequested?: boolean;
  /** For a status that is not stored (the adversary's fake success): its mentions and tags. */
  unsaved?: { mentions: Account[]; tags: string[] };
  /** How deep inside a quote this status is served (a quoted status's own quote is not expanded). */
  quoteDepth?: number;
}

/** Placeholder media (REST::MediaAttachmentSerializer shape) served for an adversary-patched status. */
function mediaAttachments(ctx: Ctx, s: Status): Record<string, unknown>[] {
  return Array.from({ length: s.mediaCount }, (_, i) => {
    const id = `${s.id}${String(i + 1).padStart(2, '0')}`;
    const file = `${ctx.origin}/system/media_attachments/files/${id}/original/image.png`;
    return {
      id,
      type: 'image',
      url: file,
      preview_url: file.replace('/original/', '/small/'),
      remote_url: null,
      preview_remote_url: null,
      text_url: null,
      meta: {
        original: { width: 1, height: 1, size: '1x1', aspect: 1 },
        small: { width: 1, height: 1, size: '1x1', aspect: 1 },
      },
      description: null,
      blurhash: null,
    };
  });
}

/** A REST::PreviewCardSerializer-shaped link card (with `authors[]`, which the web UI requires). */
function previewCard(ctx: Ctx, viewer: Account | undefined): Record<string, unknown> {
  return {
    url: 'https://example.com/article',
    title: 'An article',
    description: 'A link preview card.',
    language: 'en',
    type: 'link',
    author_name: '',
    author_url: '',
    provider_name: 'example.com',
    provider_url: '',
    html: '',
    width: 400,
    height: 200,
    image: `${ctx.origin}/system/cache/preview_cards/images/card.png`,
    image_description: '',
    embed_url: '',
    blurhash: null,
    published_at: null,
    authors: [],
    ...(viewer ? { missing_attribution: false } : {}),
  };
}

/** REST::PollSerializer, a two-option poll open for a day (only an adversary patch adds one). */
function pollOf(s: Status): Record<string, unknown> {
  return {
    id: s.id,
    expires_at: new Date(Date.parse(s.createdAt) + 86_400_000).toISOString(),
    expired: false,
    multiple: false,
    votes_count: 0,
    voters_count: 0,
    options: [
      { title: 'Yes', votes_count: 0 },
      { title: 'No', votes_count: 0 },
    ],
    emojis: [],
    voted: false,
    own_votes: [],
  };
}

/** REST::QuoteSerializer (4.4+): an accepted quote with the quoted status, one level deep (Mastodon nests a shallow quote). */
function quoteOf(ctx: Ctx, s: Status, viewer: Account | undefined, depth: number): Record<string, unknown> | null {
  if (s.quoteId === null) return null;
  const quoted = depth > 0 ? undefined : statusById(ctx, s.quoteId);
  return {
    state: quoted ? 'accepted' : 'deleted',
    quoted_status: quoted ? serializeStatus(ctx, quoted, viewer, { quoteDepth: depth + 1 }) : null,
  };
}

/** REST::StatusSerializer: viewer-only keys (favourited, …, filtered) only with a viewer, as Mastodon does. */
export function serializeStatus(
  ctx: Ctx,
  s: Status,
  viewer: Account | undefined,
  opts: SerializeOptions = {},
): Record<string, unknown> {
  const author = accountById(ctx, s.accountId);
  const mentions = opts.unsaved?.mentions ?? mentionedAccounts(ctx, s.id);
  const tags =
    opts.unsaved?.tags ??
    ctx.db.all('SELECT name FROM tags WHERE status_id = ? ORDER BY name', [s.id]).map((r) => str(r, 'name'));
  const replies = opts.unsaved
    ? undefined
    : ctx.db.get('SELECT count(*) AS n FROM statuses WHERE in_reply_to_id = ? AND deleted_at IS NULL', [s.id]);
  const own = viewer !== undefined && viewer.id === s.accountId;
  return {
    id: s.id,
    created_at: s.createdAt,
    in_reply_to_id: s.inReplyToId,
    in_reply_to_account_id: s.inReplyToAccountId,
    sensitive: s.sensitive,
    spoiler_text: s.spoilerText,
    visibility: s.visibility,
    language: s.language,
    uri: s.uri,
    url: s.url,
    replies_count: replies ? num(replies, 'n') : 0,
    reblogs_count: 0,
    favourites_count: 0,
    quotes_count: 0,
    edited_at: s.editedAt,
    ...(viewer ? { favourited: false, reblogged: false, muted: false, bookmarked: false } : {}),
    // `pinned` only for the author's own pinnable (not direct) statuses.
    ...(own && s.visibility !== 'direct' ? { pinned: false } : {}),
    ...(viewer ? { filtered: [] } : {}),
    ...(opts.sourceRequested ? { text: s.text } : { content: s.content }),
    reblog: null,
    ...(s.local ? { application: { name: 'Web', website: null } } : {}),
    account: author ? serializeAccount(ctx, author) : null,
    media_attachments: mediaAttachments(ctx, s),
    mentions: mentions.map((m) => {
      const c = claimedIdentity(ctx, m);
      return { id: m.id, username: c.username, url: c.url, acct: c.acct };
    }),
    tags: tags.map((name) => ({ name, url: `${ctx.origin}/tags/${encodeURIComponent(name)}` })),
    emojis: [],
    tagged_collections: [],
    quote: quoteOf(ctx, s, viewer, opts.quoteDepth ?? 0),
    card: s.card ? previewCard(ctx, viewer) : null,
    poll: s.poll ? pollOf(s) : null,
    quote_approval: { automatic: [], manual: [], current_user: 'denied' },
  };
}

/**
 * Api::V1::Statuses::ContextsController + Status::ThreadingConcern: ancestors root-first (the
 * nearest `ancestorsLimit` of the chain), descendants depth-first with siblings by id (`ORDER BY
 * path`), cut at `descendantsLimit` (and `depth` levels) before what the viewer may not see is
 * dropped, then the author's self-replies promoted to the top (`promote_by!`). Signed out:
 * 40 ancestors, 60 descendants, 20 levels; signed in: 4096 each, any depth.
 */
export function statusContext(
  ctx: Ctx,
  s: Status,
  viewer: Account | undefined,
): { ancestors: Status[]; descendants: Status[] } {
  const ancestorsLimit = viewer ? 4096 : 40;
  const descendantsLimit = viewer ? 4096 : 60;
  const depthLimit = viewer ? Infinity : 20;
  const chain: Status[] = [];
  const seen = new Set([s.id]);
  let cursor = s.inReplyToId;
  while (cursor !== null && !seen.has(cursor) && chain.length < ancestorsLimit) {
    seen.add(cursor);
    const parent = statusById(ctx, cursor);
    if (!parent) break;
    chain.unshift(parent);
    cursor = parent.inReplyToId;
  }
  const ancestors = chain.filter((x) => canSee(ctx, x, viewer));

  const ordered: Status[] = [];
  const visit = (id: string, path: Set<string>): void => {
    if (path.size > depthLimit) return;
    const children = ctx.db
      .all('SELECT * FROM statuses WHERE in_reply_to_id = ? AND deleted_at IS NULL ORDER BY CAST(id AS INTEGER)', [id])
      .map(rowToStatus);
    for (const c of children) {
      if (ordered.length >= descendantsLimit) return;
      if (path.has(c.id)) continue;
      ordered.push(c);
      visit(c.id, new Set([...path, c.id]));
    }
  };
  visit(s.id, new Set([s.id]));
  const descendants = promoteSelfReplies(ordered.filter((x) => canSee(ctx, x, viewer)));
  return { ancestors, descendants };
}

/** promote_by!: self-replies (author answering themself) move up, in order, before the first other reply. */
function promoteSelfReplies(list: Status[]): Status[] {
  const self = (x: Status): boolean => x.inReplyToAccountId === x.accountId;
  const arr = [...list];
  let insertAt = arr.findIndex((x) => !self(x));
  if (insertAt < 0) return arr;
  for (let i = insertAt + 1; i < arr.length; i++) {
    const item = arr[i];
    if (!item || !self(item)) continue;
    arr.splice(i, 1);
    arr.splice(insertAt, 0, item);
    insertAt += 1;
  }
  return arr;
}
