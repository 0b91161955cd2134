// Mastodon REST JSON shapes the client uses, and guards that turn untrusted JSON into them.
// Guards return null (never throw) on anything malformed: the server may be in adversary mode.

export type Visibility = 'public' | 'unlisted' | 'private' | 'direct';

export interface Field {
  name: string;
  value: string;
  verified_at: string | null;
}

export interface Account {
  id: string;
  username: string;
  acct: string;
  display_name: string;
  url: string;
  note: string;
  fields: Field[];
}

export interface Mention {
  id: string;
  username: string;
  acct: string;
  url: string;
}

export interface Status {
  id: string;
  created_at: string;
  edited_at: string | null;
  in_reply_to_id: string | null;
  visibility: Visibility;
  spoiler_text: string;
  content: string;
  url: string | null;
  account: Account;
  mentions: Mention[];
  sensitive: boolean;
  in_reply_to_account_id: string | null;
  media_attachments: MediaAttachment[];
  card: PreviewCard | null;
  /** A poll's option titles (REST::PollSerializer), or null. */
  poll: { options: string[] } | null;
  /** A quote (4.4+ REST::QuoteSerializer): the quoted status, null when it is not available. */
  quote: { status: Status | null } | null;
}

export interface MediaAttachment {
  id: string;
  type: 'image' | 'gifv' | 'video' | 'audio' | 'unknown';
  url: string;
  preview_url: string;
  remote_url: string | null;
  description: string | null;
  /** meta.small.aspect, when given. */
  aspect: number | null;
}

export interface PreviewCard {
  url: string;
  title: string;
  description: string;
  type: string;
  provider_name: string;
  author_name: string;
  image: string | null;
  image_description: string;
  width: number;
  height: number;
  language: string | null;
}

export interface Conversation {
  id: string;
  unread: boolean;
  accounts: Account[];
  last_status: Status | null;
}

/** One mention notification, already joined with its status (grouped v2 or v1 alike). */
export interface MentionNotification {
  key: string;
  type: string;
  account: Account | null;
  status: Status | null;
}

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const strOr = (v: unknown, d: string): string => (typeof v === 'string' ? v : d);
const nullableStr = (v: unknown): string | null => (typeof v === 'string' ? v : null);

export function isVisibility(v: unknown): v is Visibility {
  return v === 'public' || v === 'unlisted' || v === 'private' || v === 'direct';
}

export function parseAccount(v: unknown): Account | null {
  if (!isObj(v)) return null;
  const id = str(v.id);
  const username = str(v.username);
  const acct = str(v.acct);
  if (id === null || username === null || acct === null) return null;
  const fields: Field[] = [];
  if (Array.isArray(v.fields)) {
    for (const f of v.fields) {
      if (isObj(f) && typeof f.name === 'string' && typeof f.value === 'string') {
        fields.push({ name: f.name, value: f.value, verified_at: nullableStr(f.verified_at) });
      }
    }
  }
  return {
    id,
    username,
    acct,
    display_name: strOr(v.display_name, ''),
    url: strOr(v.url, ''),
    note: strOr(v.note, ''),
    fields,
  };
}

function parseMention(v: unknown): Mention | null {
  if (!isObj(v)) return null;
  const id = str(v.id);
  const acct = str(v.acct);
  if (id === null || acct === null) return null;
  return { id, acct, username: strOr(v.username, acct.split('@')[0] ?? acct), url: strOr(v.url, '') };
}

const MEDIA_TYPES = ['image', 'gifv', 'video', 'audio', 'unknown'] as const;

function parseMedia(v: unknown): MediaAttachment | null {
  if (!isObj(v)) return null;
  const id = str(v.id);
  const url = str(v.url);
  if (id === null || url === null) return null;
  const type = (MEDIA_TYPES as readonly unknown[]).includes(v.type) ? (v.type as MediaAttachment['type']) : 'unknown';
  const small = isObj(v.meta) && isObj(v.meta.small) ? v.meta.small : null;
  return {
    id,
    type,
    url,
    preview_url: strOr(v.preview_url, url),
    remote_url: nullableStr(v.remote_url),
    description: nullableStr(v.description),
    aspect: small && typeof small.aspect === 'number' && small.aspect > 0 ? small.aspect : null,
  };
}

function parseCard(v: unknown): PreviewCard | null {
  if (!isObj(v)) return null;
  const url = str(v.url);
  // normalizer.js requires authors[] on a card.
  if (url === null || !Array.isArray(v.authors)) return null;
  const num = (x: unknown): number => (typeof x === 'number' && Number.isFinite(x) ? x : 0);
  return {
    url,
    title: strOr(v.title, ''),
    description: strOr(v.description, ''),
    type: strOr(v.type, 'link'),
    provider_name: strOr(v.provider_name, ''),
    author_name: strOr(v.author_name, ''),
    image: nullableStr(v.image),
    image_description: strOr(v.image_description, ''),
    width: num(v.width),
    height: num(v.height),
    language: nullableStr(v.language),
  };
}

export function parseStatus(v: unknown): Status | null {
  if (!isObj(v)) return null;
  const id = str(v.id);
  const account = parseAccount(v.account);
  if (id === null || account === null) return null;
  const mentions = Array.isArray(v.mentions) ? v.mentions.map(parseMention).filter((m) => m !== null) : [];
  return {
    id,
    account,
    mentions,
    created_at: strOr(v.created_at, ''),
    edited_at: nullableStr(v.edited_at),
    in_reply_to_id: nullableStr(v.in_reply_to_id),
    visibility: isVisibility(v.visibility) ? v.visibility : 'public',
    spoiler_text: strOr(v.spoiler_text, ''),
    content: strOr(v.content, ''),
    url: nullableStr(v.url),
    sensitive: v.sensitive === true,
    in_reply_to_account_id: nullableStr(v.in_reply_to_account_id),
    media_attachments: Array.isArray(v.media_attachments)
      ? v.media_attachments.map(parseMedia).filter((m) => m !== null)
      : [],
    card: parseCard(v.card),
    poll: parsePoll(v.poll),
    quote: isObj(v.quote) ? { status: parseStatus(v.quote.quoted_status) } : null,
  };
}

function parsePoll(v: unknown): { options: string[] } | null {
  if (!isObj(v) || !Array.isArray(v.options)) return null;
  return { options: v.options.map((o) => (isObj(o) ? strOr(o.title, '') : '')) };
}

export function parseConversation(v: unknown): Conversation | null {
  if (!isObj(v)) return null;
  const id = str(v.id);
  if (id === null) return null;
  const accounts = Array.isArray(v.accounts) ? v.accounts.map(parseAccount).filter((a) => a !== null) : [];
  return { id, unread: v.unread === true, accounts, last_status: parseStatus(v.last_status) };
}

/** A v1 notification (streaming payload, or /api/v1/notifications). */
export function parseNotificationV1(v: unknown): MentionNotification | null {
  if (!isObj(v)) return null;
  const id = str(v.id);
  const type = str(v.type);
  if (id === null || type === null) return null;
  return {
    key: strOr(v.group_key, `ungrouped-${id}`),
    type,
    account: parseAccount(v.account),
    status: parseStatus(v.status),
  };
}

/** The grouped v2 response: groups reference accounts and statuses by id. */
export function parseNotificationsV2(v: unknown): MentionNotification[] | null {
  if (!isObj(v) || !Array.isArray(v.notification_groups)) return null;
  const accounts = new Map<string, Account>();
  const statuses = new Map<string, Status>();
  if (Array.isArray(v.accounts)) for (const a of v.accounts.map(parseAccount)) if (a) accounts.set(a.id, a);
  if (Array.isArray(v.statuses)) for (const s of v.statuses.map(parseStatus)) if (s) statuses.set(s.id, s);
  const out: MentionNotification[] = [];
  for (const g of v.notification_groups) {
    if (!isObj(g)) continue;
    const key = str(g.group_key);
    const type = str(g.type);
    if (key === null || type === null) continue;
    const sample = Array.isArray(g.sample_account_ids) ? str(g.sample_account_ids[0]) : null;
    const statusId = str(g.status_id);
    out.push({
      key,
      type,
      account: sample === null ? null : (accounts.get(sample) ?? null),
      status: statusId === null ? null : (statuses.get(statusId) ?? null),
    });
  }
  return out;
}

export function parseList<T>(v: unknown, item: (x: unknown) => T | null): T[] | null {
  if (!Array.isArray(v)) return null;
  return v.map(item).filter((x): x is T => x !== null);
}

export function parseMaxCharacters(v: unknown): number | null {
  if (!isObj(v) || !isObj(v.configuration) || !isObj(v.configuration.statuses)) return null;
  const n = v.configuration.statuses.max_characters;
  return typeof n === 'number' && Number.isInteger(n) && n > 0 ? n : null;
}
