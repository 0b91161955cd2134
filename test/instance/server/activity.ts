// The simplified ActivityPub-like payloads instances exchange, and their validation: anything
// from the network is parsed into a typed value or rejected with a typed error, never thrown.
export interface MentionRef {
  uri: string;
  acct: string;
}

export interface NoteObject {
  type: 'Note';
  id: string;
  url: string;
  attributedTo: string;
  published: string;
  updated: string | null;
  content: string;
  spoilerText: string;
  sensitive: boolean;
  visibility: 'public' | 'unlisted' | 'private' | 'direct';
  language: string | null;
  inReplyTo: string | null;
  conversation: string | null;
  mentions: MentionRef[];
  tags: string[];
}

export type Activity =
  { type: 'Create' | 'Update'; actor: string; object: NoteObject } | { type: 'Delete'; actor: string; object: string };

export type ParseError = { ok: false; error: string };
export type Parsed<T> = { ok: true; value: T } | ParseError;

const MAX_TEXT = 1_000_000;

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function s(o: Record<string, unknown>, k: string, max = 4096): string | undefined {
  const v = o[k];
  return typeof v === 'string' && v.length <= max ? v : undefined;
}

function sOrNull(o: Record<string, unknown>, k: string): string | null | undefined {
  return o[k] === null || o[k] === undefined ? null : s(o, k);
}

function parseNote(v: unknown): Parsed<NoteObject> {
  if (!isObj(v) || v.type !== 'Note') return { ok: false, error: 'object is not a Note' };
  const id = s(v, 'id'),
    url = s(v, 'url'),
    attributedTo = s(v, 'attributedTo'),
    published = s(v, 'published');
  const content = s(v, 'content', MAX_TEXT),
    spoilerText = s(v, 'spoilerText', MAX_TEXT);
  const updated = sOrNull(v, 'updated'),
    language = sOrNull(v, 'language');
  const inReplyTo = sOrNull(v, 'inReplyTo'),
    conversation = sOrNull(v, 'conversation');
  const visibility = v.visibility;
  if (
    id === undefined ||
    url === undefined ||
    attributedTo === undefined ||
    published === undefined ||
    content === undefined ||
    spoilerText === undefined ||
    updated === undefined ||
    language === undefined ||
    inReplyTo === undefined ||
    conversation === undefined
  )
    return { ok: false, error: 'Note has missing or malformed fields' };
  if (visibility !== 'public' && visibility !== 'unlisted' && visibility !== 'private' && visibility !== 'direct') {
    return { ok: false, error: 'bad visibility' };
  }
  if (!Array.isArray(v.mentions) || !Array.isArray(v.tags) || v.mentions.length > 500 || v.tags.length > 500) {
    return { ok: false, error: 'bad mentions or tags' };
  }
  const mentions: MentionRef[] = [];
  for (const m of v.mentions) {
    const uri = isObj(m) ? s(m, 'uri') : undefined;
    const acct = isObj(m) ? s(m, 'acct') : undefined;
    if (uri === undefined || acct === undefined) return { ok: false, error: 'bad mention' };
    mentions.push({ uri, acct });
  }
  const tags = v.tags.filter((t): t is string => typeof t === 'string' && t.length <= 256);
  return {
    ok: true,
    value: {
      type: 'Note',
      id,
      url,
      attributedTo,
      published,
      updated,
      content,
      spoilerText,
      sensitive: v.sensitive === true,
      visibility,
      language,
      inReplyTo,
      conversation,
      mentions,
      tags,
    },
  };
}

export function parseActivity(v: unknown): Parsed<Activity> {
  if (!isObj(v)) return { ok: false, error: 'activity is not an object' };
  const actor = s(v, 'actor');
  if (actor === undefined) return { ok: false, error: 'missing actor' };
  if (v.type === 'Delete') {
    const object = s(v, 'object');
    return object === undefined
      ? { ok: false, error: 'Delete needs an object uri' }
      : { ok: true, value: { type: 'Delete', actor, object } };
  }
  if (v.type === 'Create' || v.type === 'Update') {
    const note = parseNote(v.object);
    if (!note.ok) return note;
    if (note.value.attributedTo !== actor) return { ok: false, error: 'attributedTo differs from actor' };
    return { ok: true, value: { type: v.type, actor, object: note.value } };
  }
  return { ok: false, error: 'unsupported activity type' };
}
