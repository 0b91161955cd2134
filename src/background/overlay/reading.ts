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
  readonly messageId: string;
  readonly total: number;
  readonly author: SeenStatus['author'];
  mentions: readonly string[];
  readonly parts: Map<number, { statusId: string; text: string; conversation: boolean }>;
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

const TEXT_KEY_LABEL = 'hush/v1/view-cache-key';

/**
 * Names the exact status texts a cached result belongs to. A status keeps its id when it is
 * edited (by its author, or silently by the server), so a cache keyed by status id alone would go
 * on showing the old plaintext under new text. SHA-256 (labelled) so no crafted edit can collide.
 */
async function textKey(texts: readonly string[]): Promise<string> {
  const bytes = new TextEncoder().encode([TEXT_KEY_LABEL, ...texts].join('\u0000'));
  return hex(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))).slice(0, 32);
}

export class Reader {
  private readonly pending = new Map<string, Pending>();
  /** Failed results only (no plaintext): plaintext is never kept in memory, only sealed in the cache. */
  private readonly failures = new Map<string, Shown>();
  /** status id -> message id (hex) of the Hush message it carries: lets a reply name its parent. */
  private readonly messageOfStatus = new Map<string, string>();

  constructor(
    private readonly services: KeyServices,
    private readonly cache: CacheArea,
  ) {}

  /**
   * Registers one status and returns what its view should show. Never throws on hostile text.
   * A message view's key names its own status (`group#statusId`), so a later status claiming the
   * same message id never changes what an earlier view shows.
   */
  async open(account: AccountRef, seen: SeenStatus): Promise<OpenResult> {
    const info = inspectChunk(seen.text);
    if (!info.ok) return { kind: 'not_hush', shown: { plaintext: null, badge: badge('cannot_decrypt', { reason: info.reason }) } };
    const { chunkIndex, chunkCount } = info.value;
    const messageId = hex(info.value.messageId);
    const group = `${accountKey(account)}|${seen.author.acct.toLowerCase()}|${messageId}`;
    this.messageOfStatus.set(`${accountKey(account)}|${seen.statusId}`, messageId);
    const conversation = seen.context === 'conversation';
    if (!conversation && (await this.isReplay(account, seen.author.acct, messageId, chunkIndex, seen.statusId))) {
      const shown: Shown = { plaintext: null, badge: badge('replayed') };
      return chunkIndex === 0 ? { kind: 'message', key: `${group}|replay#${seen.statusId}`, shown, completed: [] } : { kind: 'continuation', key: group, index: chunkIndex, total: chunkCount, completed: [] };
    }
    let p = this.pending.get(group);
    if (p === undefined) {
      p = { messageId, total: chunkCount, author: seen.author, mentions: seen.mentions, parts: new Map() };
      this.pending.set(group, p);
    }
    if (chunkIndex === 0) p.mentions = seen.mentions;
    const before = p.parts.size;
    p.parts.set(chunkIndex, { statusId: seen.statusId, text: seen.text, conversation });
    const completed = before < p.total && p.parts.size === p.total && chunkIndex !== 0 ? [group] : [];
    // The DM column shows only a message's last status: show the whole message if its first part is known.
    const first = p.parts.get(0);
    if (chunkIndex !== 0 && conversation && first !== undefined) {
      const key = `${group}#${first.statusId}`;
      return { kind: 'message', key, shown: await this.shown(account, key), completed };
    }
    if (chunkIndex !== 0) return { kind: 'continuation', key: group, index: chunkIndex, total: chunkCount, completed };
    const key = `${group}#${seen.statusId}`;
    return { kind: 'message', key, shown: await this.shown(account, key), completed };
  }

  /** Whether the statuses of this view key are known in this worker's lifetime (they are not after a restart). */
  knows(key: string): boolean {
    const hash = key.lastIndexOf('#');
    const group = hash < 0 ? key : key.slice(0, hash);
    return group.endsWith('|replay') || this.pending.has(group);
  }

  messageIdOf(account: AccountRef, statusId: string): string | null {
    return this.messageOfStatus.get(`${accountKey(account)}|${statusId}`) ?? null;
  }

  /** Remembers our own posted statuses, so replies to them are threaded to the right message. */
  rememberPosted(account: AccountRef, statusIds: readonly string[], messageId: string): void {
    for (const id of statusIds) this.messageOfStatus.set(`${accountKey(account)}|${id}`, messageId);
  }

  /** The current view of a message view key (decrypting once all chunks are known). */
  async shown(account: AccountRef, key: string): Promise<Shown> {
    const hash = key.lastIndexOf('#');
    const group = hash < 0 ? key : key.slice(0, hash);
    const own = hash < 0 ? null : key.slice(hash + 1);
    if (group.endsWith('|replay')) return { plaintext: null, badge: badge('replayed') };
    const p = this.pending.get(group);
    if (p === undefined) return { plaintext: null, badge: badge('cannot_decrypt', { reason: 'unknown' }) };
    const first = p.parts.get(0);
    if (own !== null && first !== undefined && first.statusId !== own) {
      return this.failures.get(`${group}|${own}`) ?? { plaintext: null, badge: badge('cannot_decrypt', { reason: 'superseded' }) };
    }
    if (first === undefined) return { plaintext: null, badge: badge('incomplete', { parts: { have: p.parts.size, total: p.total } }) };
    const parts = [...p.parts.entries()].sort((x, y) => x[0] - y[0]).map(([, c]) => c);
    const version = `${first.statusId}:${await textKey(parts.map((c) => c.text))}`;
    const cached = await this.fromCache(account, version);
    if (cached !== null) return cached;
    const failed = this.failures.get(`${group}|${version}`);
    if (failed !== undefined) return failed;
    if (p.parts.size < p.total) return { plaintext: null, badge: badge('incomplete', { parts: { have: p.parts.size, total: p.total } }) };
    const chunks = parts.map(({ statusId, text }) => ({ statusId, text }));
    // DM-column entries carry conversation ids, not status ids: no replay verdict is possible there.
    const checkReplay = !parts.some((c) => c.conversation);
    const out = await this.services.decrypt(account, { author: p.author, mentions: p.mentions, chunks, checkReplay });
    const shown = badgeFor(out);
    if (shown.plaintext !== null) {
      // Only a verified message claims its message id: forgeries cannot make the genuine one a "replay".
      if (checkReplay) for (const [index, c] of p.parts) await this.recordSeen(account, p.author.acct, p.messageId, index, c.statusId);
      await this.toCache(account, version, shown);
    } else if (shown.badge.kind !== 'locked') {
      // Locked is temporary: not remembered, so unlocking shows the text on the next render.
      this.failures.set(`${group}|${version}`, shown);
    }
    return shown;
  }

  // Message ids are chosen by senders: the key names the author so one sender cannot claim another's id.
  private seenKey(account: AccountRef, authorAcct: string, messageId: string, index: number): string {
    return `hush-seen:${accountKey(account)}:${authorAcct.toLowerCase()}:${messageId}:${index}`;
  }

  /** The same verified message (chunk) seen under another status id is a replay: the first one wins. */
  private async isReplay(account: AccountRef, authorAcct: string, messageId: string, index: number, statusId: string): Promise<boolean> {
    const k = this.seenKey(account, authorAcct, messageId, index);
    const first = (await this.cache.get(k))[k];
    return typeof first === 'string' && first !== statusId;
  }

  private async recordSeen(account: AccountRef, authorAcct: string, messageId: string, index: number, statusId: string): Promise<void> {
    const k = this.seenKey(account, authorAcct, messageId, index);
    if (typeof (await this.cache.get(k))[k] !== 'string') await this.cache.set({ [k]: statusId });
  }

  /** The sealed cached view, the locked state if the cache cannot be opened now, or null. */
  private async fromCache(account: AccountRef, version: string): Promise<Shown | null> {
    const k = `hush-view:${accountKey(account)}:${version}`;
    const sealed = unb64((await this.cache.get(k))[k]);
    if (sealed === null) return null;
    const opened = await this.services.openLocal(account, sealed);
    if (opened === 'locked') return { plaintext: null, badge: badge('locked', { reason: 'locked' }) };
    if (!(opened instanceof Uint8Array)) return null;
    try {
      const parsed = JSON.parse(new TextDecoder().decode(opened)) as Shown;
      return typeof parsed.plaintext === 'string' && typeof parsed.badge.kind === 'string' ? parsed : null;
    } catch {
      return null;
    }
  }

  private async toCache(account: AccountRef, version: string, shown: Shown): Promise<void> {
    const sealed = await this.services.sealLocal(account, new TextEncoder().encode(JSON.stringify(shown)));
    if (sealed instanceof Uint8Array) await this.cache.set({ [`hush-view:${accountKey(account)}:${version}`]: b64(sealed) });
  }
}
