/**
 * Reading side of the overlay: groups chunks into messages, decrypts through KeyServices,
 * detects replays, and keeps decrypted results in a cache sealed with the account's local key
 * (KeyServices.sealLocal), so scrolling back and prekey rotation never need the prekey again.
 */
import { inspectChunk } from '../../protocol/index';
import type { Badge } from '../../messaging/overlay-messages';
import type { AccountRef, DecryptOutcome, KeyServices } from '../services';

export interface SeenStatus {
  readonly statusId: string;
  readonly text: string;
  readonly author: { readonly acct: string; readonly actorUri: string | null };
  readonly mentions: readonly string[];
  /** DM-column entries carry a conversation id, not a status id: no replay check for them. */
  readonly context?: 'status' | 'conversation';
}

export interface Shown {
  readonly plaintext: string | null;
  readonly badge: Badge;
}

export type OpenResult =
  | { readonly kind: 'message'; readonly key: string; readonly shown: Shown; readonly completed: readonly string[] }
  | { readonly kind: 'continuation'; readonly key: string; readonly index: number; readonly total: number; readonly completed: readonly string[] }
  | { readonly kind: 'not_hush'; readonly shown: Shown };

/** Minimal async key-value storage (storage.local in the extension, a Map in tests). */
export interface CacheArea {
  get(key: string): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
}

interface Pending {
  readonly total: number;
  readonly author: SeenStatus['author'];
  mentions: readonly string[];
  readonly parts: Map<number, { statusId: string; text: string }>;
}

const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
const b64 = (b: Uint8Array): string => btoa(String.fromCharCode(...b));
function unb64(s: unknown): Uint8Array | null {
  if (typeof s !== 'string') return null;
  try {
    return Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

const badge = (kind: Badge['kind'], extra: Partial<Badge> = {}): Badge => ({ kind, sender: null, fingerprint: null, reason: null, parts: null, ...extra });

export function badgeFor(out: DecryptOutcome): Shown {
  if (!out.ok) {
    if (out.reason === 'locked') return { plaintext: null, badge: badge('locked', { reason: out.reason }) };
    if (out.reason === 'replayed') return { plaintext: null, badge: badge('replayed', { reason: out.reason }) };
    if (out.reason === 'key_changed') return { plaintext: null, badge: badge('key_changed', { reason: out.reason }) };
    if (out.reason === 'sender_mismatch' || out.reason === 'unknown_sender') return { plaintext: null, badge: badge('sender_mismatch', { reason: out.reason }) };
    return { plaintext: null, badge: badge('cannot_decrypt', { reason: out.reason }) };
  }
  const s = out.sender;
  const kind = out.senderMismatch ? 'sender_mismatch' : s.trust === 'changed' ? 'key_changed' : s.trust;
  // A sender mismatch never shows text as if it came from the status author.
  return { plaintext: out.senderMismatch ? null : out.plaintext, badge: badge(kind, { sender: s.acct, fingerprint: s.fingerprint }) };
}

const accountKey = (a: AccountRef): string => `${a.origin}|${a.accountId}`;

export class Reader {
  private readonly pending = new Map<string, Pending>();
  /** Results without plaintext, with the status id of chunk 0 they were computed for. */
  private readonly results = new Map<string, { readonly first: string; readonly shown: Shown }>();
  /** Messages that decrypted at least once (their plaintext lives only in the sealed cache). */
  private readonly decrypted = new Set<string>();
  /** status id -> message id (hex) of the Hush message it carries: lets a reply name its parent. */
  private readonly messageOfStatus = new Map<string, string>();

  constructor(
    private readonly services: KeyServices,
    private readonly cache: CacheArea,
  ) {}

  /** Registers one status and returns what its view should show. Never throws on hostile text. */
  async open(account: AccountRef, seen: SeenStatus): Promise<OpenResult> {
    const info = inspectChunk(seen.text);
    if (!info.ok) return { kind: 'not_hush', shown: { plaintext: null, badge: badge('cannot_decrypt', { reason: info.reason }) } };
    const { chunkIndex, chunkCount } = info.value;
    const messageId = hex(info.value.messageId);
    const key = `${accountKey(account)}|${seen.author.acct.toLowerCase()}|${messageId}`;
    this.messageOfStatus.set(`${accountKey(account)}|${seen.statusId}`, messageId);
    const conversation = seen.context === 'conversation';
    if (!conversation && (await this.isReplay(account, seen.author.acct, messageId, chunkIndex, seen.statusId))) {
      const shown: Shown = { plaintext: null, badge: badge('replayed') };
      return chunkIndex === 0 ? { kind: 'message', key: `${key}|replay|${seen.statusId}`, shown, completed: [] } : { kind: 'continuation', key, index: chunkIndex, total: chunkCount, completed: [] };
    }
    let p = this.pending.get(key);
    if (p === undefined) {
      p = { total: chunkCount, author: seen.author, mentions: seen.mentions, parts: new Map() };
      this.pending.set(key, p);
    }
    if (chunkIndex === 0) p.mentions = seen.mentions;
    const before = p.parts.size;
    p.parts.set(chunkIndex, { statusId: seen.statusId, text: seen.text });
    const completed = before < p.total && p.parts.size === p.total && chunkIndex !== 0 ? [key] : [];
    // The DM column shows only a message's last status: show the whole message if it is known.
    if (chunkIndex !== 0 && conversation && (this.results.has(key) || this.decrypted.has(key))) return { kind: 'message', key, shown: await this.shown(account, key), completed };
    if (chunkIndex !== 0) return { kind: 'continuation', key, index: chunkIndex, total: chunkCount, completed };
    return { kind: 'message', key, shown: await this.shown(account, key), completed };
  }

  messageIdOf(account: AccountRef, statusId: string): string | null {
    return this.messageOfStatus.get(`${accountKey(account)}|${statusId}`) ?? null;
  }

  /** Remembers our own posted statuses, so replies to them are threaded to the right message. */
  rememberPosted(account: AccountRef, statusIds: readonly string[], messageId: string): void {
    for (const id of statusIds) this.messageOfStatus.set(`${accountKey(account)}|${id}`, messageId);
  }

  /** The current view of a message (decrypting once all chunks are known). */
  async shown(account: AccountRef, key: string): Promise<Shown> {
    // Only results without plaintext are kept in memory; plaintext comes from the sealed cache each
    // time, so locking Hush makes every view show "locked" at once (the cache cannot be opened).
    const p = this.pending.get(key);
    const first = p?.parts.get(0);
    const done = this.results.get(key);
    // A failure is remembered only for the chunk 0 it was computed from: an unauthenticated post that
    // came first must not hide the genuine message arriving later under the same id.
    if (done !== undefined && (first === undefined || done.first === first.statusId)) return done.shown;
    if (p === undefined) return { plaintext: null, badge: badge('replayed') };
    if (first === undefined) return { plaintext: null, badge: badge('incomplete', { parts: { have: p.parts.size, total: p.total } }) };
    const cached = await this.fromCache(account, first.statusId);
    if (cached !== null) return cached;
    if (p.parts.size < p.total) return { plaintext: null, badge: badge('incomplete', { parts: { have: p.parts.size, total: p.total } }) };
    const chunks = [...p.parts.entries()].sort((a, b) => a[0] - b[0]).map(([, c]) => c);
    const out = await this.services.decrypt(account, { author: p.author, mentions: p.mentions, chunks });
    const shown = badgeFor(out);
    // Locked is temporary: do not remember it, so unlocking shows the text on the next render.
    if (shown.plaintext !== null) {
      this.decrypted.add(key);
      // Verified: only now does this message's (sender, id, index) -> status id count for replay checks.
      for (const [index, part] of p.parts) await this.recordVerified(account, p.author.acct, key, index, part.statusId);
      await this.toCache(account, first.statusId, shown);
    } else if (shown.badge.kind !== 'locked') {
      this.results.set(key, { first: first.statusId, shown });
    }
    return shown;
  }

  /**
   * The same verified message (chunk) under another status id is a replay: the first verified one
   * wins. Message ids are chosen by senders, so the key includes the author, and only messages that
   * verified are recorded: an unauthenticated post reusing someone's id cannot mark theirs replayed.
   */
  private seenKey(account: AccountRef, authorAcct: string, messageId: string, index: number): string {
    return `hush-seen:${accountKey(account)}:${authorAcct.toLowerCase()}:${messageId}:${index}`;
  }

  private async isReplay(account: AccountRef, authorAcct: string, messageId: string, index: number, statusId: string): Promise<boolean> {
    const k = this.seenKey(account, authorAcct, messageId, index);
    const first = (await this.cache.get(k))[k];
    return typeof first === 'string' && first !== statusId;
  }

  private async recordVerified(account: AccountRef, authorAcct: string, key: string, index: number, statusId: string): Promise<void> {
    const messageId = key.slice(key.lastIndexOf('|') + 1);
    const k = this.seenKey(account, authorAcct, messageId, index);
    if (typeof (await this.cache.get(k))[k] !== 'string') await this.cache.set({ [k]: statusId });
  }

  private async fromCache(account: AccountRef, statusId: string): Promise<Shown | null> {
    const k = `hush-view:${accountKey(account)}:${statusId}`;
    const sealed = unb64((await this.cache.get(k))[k]);
    if (sealed === null) return null;
    const opened = await this.services.openLocal(account, sealed);
    if (!(opened instanceof Uint8Array)) return null;
    try {
      const parsed = JSON.parse(new TextDecoder().decode(opened)) as Shown;
      return typeof parsed.plaintext === 'string' && typeof parsed.badge.kind === 'string' ? parsed : null;
    } catch {
      return null;
    }
  }

  private async toCache(account: AccountRef, statusId: string, shown: Shown): Promise<void> {
    const sealed = await this.services.sealLocal(account, new TextEncoder().encode(JSON.stringify(shown)));
    if (sealed instanceof Uint8Array) await this.cache.set({ [`hush-view:${accountKey(account)}:${statusId}`]: b64(sealed) });
  }
}
