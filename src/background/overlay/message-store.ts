/**
 * What the reader remembers across restarts, per account, in storage.local (bounded):
 *
 * - `hush-msg:<account>:<first status id>`: a verified message, SEALED with the account's local
 *   key (KeyServices.sealLocal): plaintext, the authenticated sender and recipients, message id,
 *   signed reply-to and time, and the status ids and text hashes it was read from. Old prekeys are
 *   pruned after the grace window (forward secrecy), so this is how old messages stay readable.
 *   No badge is stored: trust is looked up each time a view is shown.
 * - `hush-st:<account>:<status id>`: which message a status carried and the hash of its text, so a
 *   status whose encrypted text changes after it was shown is caught ("replaced"), and a reply
 *   finds the message it answers after a worker restart. Public facts (the server knows them).
 * - `hush-mid:<account>:<sender actor hash>:<message id>`: the status ids a verified message was
 *   first read from (replay memory: the same signed message under other status ids is a replay).
 * - `hush-idx:<account>`: the messages in the order they were first stored. Beyond MAX_MESSAGES the
 *   oldest go, with all their records: storage stays bounded whatever a year of use brings.
 *
 * Storage is outside input too: every record is shape-checked on read; a damaged one is treated
 * as absent, never thrown on.
 */
import { b64std, unb64std } from '../../messaging/encoding';
import { evictFairly } from '../storage/evict';
import type { DecryptedMessage } from '../services';
import {
  IndexEntrySchema,
  parseList,
  parseStored,
  ReplayRecordSchema,
  SealedMessageSchema,
  StatusRecordSchema,
} from '../storage/keys';

export interface StorageArea {
  get(keys: string[]): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
  remove(keys: string[]): Promise<void>;
}

export interface StoredMessage extends DecryptedMessage {
  /** Status id of each chunk, in chunk order. */
  readonly statusIds: readonly string[];
  /** Text hash of each chunk's status, in chunk order. */
  readonly hashes: readonly string[];
  /** When this browser first showed it (Unix seconds). */
  readonly firstShownAt: number;
}

export interface StatusRecord {
  /** First status id of the message this status carried. */
  readonly message: string;
  readonly hash: string;
  readonly index: number;
}

export interface ReplayRecord {
  readonly statusIds: readonly string[];
  readonly at: number;
}

export interface Sealer {
  seal(data: Uint8Array): Promise<Uint8Array | 'locked' | 'unavailable'>;
  open(sealed: Uint8Array): Promise<Uint8Array | 'locked' | 'unavailable'>;
}

export const MAX_MESSAGES = 2000;
const STORE_VERSION_KEY = 'hush-overlay-store';
const STORE_VERSION = 3;
/**
 * Records nothing reads any more, dropped once: the first overlay's cached badges (`hush-view:`,
 * `hush-seen:`, unbounded) and the key store's old replay memory (`hush:seen:<account>`, removed
 * with contacts/replay.ts; version 3 of this store drops it on installs already at 2).
 */
export const LEGACY_PREFIXES = ['hush-view:', 'hush-seen:', 'hush:seen:'] as const;

export interface IndexEntry {
  readonly first: string;
  readonly at: number;
  readonly senderTag: string;
  readonly messageId: string;
  readonly statusIds: readonly string[];
}
/**
 * Takes `count` entries out of `idx` (in place) and returns them: each time the oldest entry of
 * the sender with the most entries (ties: the sender whose oldest entry is older).
 */
export function evictionOrder(idx: IndexEntry[], count: number): IndexEntry[] {
  return evictFairly(idx, (e) => e.senderTag, count);
}

export class MessageStore {
  private index: Promise<IndexEntry[]> | null = null;
  private indexDirty: Promise<void> | null = null;
  /** Status records are read on every view: kept in memory once read (writes go through here). */
  private readonly statuses = new Map<string, StatusRecord | null>();

  constructor(
    private readonly area: StorageArea,
    /** `<origin>|<account id>`: every key names its account. */
    private readonly account: string,
    private readonly sealer: Sealer,
  ) {}

  private msgKey = (first: string) => `hush-msg:${this.account}:${first}`;
  private stKey = (statusId: string) => `hush-st:${this.account}:${statusId}`;
  private midKey = (senderTag: string, messageId: string) => `hush-mid:${this.account}:${senderTag}:${messageId}`;
  private idxKey = () => `hush-idx:${this.account}`;

  async status(statusId: string): Promise<StatusRecord | null> {
    const known = this.statuses.get(statusId);
    if (known !== undefined) return known;
    const k = this.stKey(statusId);
    const got = (await this.area.get([k]))[k];
    const rec = parseStored(StatusRecordSchema, got);
    this.statuses.set(statusId, rec);
    return rec;
  }

  /** The sealed message (or 'locked' while the keys are locked, null when absent or damaged). */
  async message(first: string): Promise<StoredMessage | 'locked' | null> {
    const k = this.msgKey(first);
    const sealed = unb64std((await this.area.get([k]))[k]) ?? null;
    if (sealed === null) return null;
    const opened = await this.sealer.open(sealed);
    if (opened === 'locked') return 'locked';
    if (opened === 'unavailable') return null;
    try {
      const parsed: unknown = JSON.parse(new TextDecoder().decode(opened));
      return parseStored(SealedMessageSchema, parsed);
    } catch {
      return null;
    } finally {
      opened.fill(0);
    }
  }

  async replay(senderTag: string, messageId: string): Promise<ReplayRecord | null> {
    const k = this.midKey(senderTag, messageId);
    const got = (await this.area.get([k]))[k];
    return parseStored(ReplayRecordSchema, got);
  }

  /**
   * Stores a verified message: its sealed content (when the keys are unlocked), its status
   * records and its replay record (kept if one exists: the first status ids win). A status id
   * already recorded for ANOTHER message or text is never overwritten: status ids come from the
   * instance, which could name an incoming message's id as the one our post received (server
   * review F-posted-id), or re-deliver a known status. Returns false when nothing was stored.
   */
  async put(m: StoredMessage, senderTag: string): Promise<boolean> {
    const first = m.statusIds[0];
    if (first === undefined) return false;
    for (const [index, id] of m.statusIds.entries()) {
      const prior = await this.status(id);
      if (
        prior !== null &&
        (prior.message !== first || prior.hash !== (m.hashes[index] ?? '') || prior.index !== index)
      )
        return false;
    }
    const items: Record<string, unknown> = {};
    const sealed = await this.sealer.seal(new TextEncoder().encode(JSON.stringify(m)));
    if (sealed instanceof Uint8Array) items[this.msgKey(first)] = b64std(sealed);
    m.statusIds.forEach((id, index) => {
      const rec: StatusRecord = { message: first, hash: m.hashes[index] ?? '', index };
      this.statuses.set(id, rec);
      items[this.stKey(id)] = rec;
    });
    if ((await this.replay(senderTag, m.messageId)) === null)
      items[this.midKey(senderTag, m.messageId)] = {
        statusIds: m.statusIds,
        at: m.firstShownAt,
      } satisfies ReplayRecord;
    await this.area.set(items);
    await this.remember(first, m.firstShownAt, senderTag, m.messageId, m.statusIds);
    return true;
  }

  /**
   * Replaces the status ids a message is known under (the old ones were a page's invention, see
   * Reader.pageInvented): the old ids' records and the replay record go, then the message is
   * stored under the new ids.
   */
  async rebind(m: StoredMessage, senderTag: string): Promise<boolean> {
    const old = await this.replay(senderTag, m.messageId);
    if (old !== null) {
      const keys = [this.midKey(senderTag, m.messageId), ...old.statusIds.map((id) => this.stKey(id))];
      if (old.statusIds[0] !== undefined) keys.push(this.msgKey(old.statusIds[0]));
      for (const id of old.statusIds) this.statuses.delete(id);
      await this.area.remove(keys);
      const idx = await this.loadIndex();
      const at = idx.findIndex((e) => e.first === old.statusIds[0]);
      if (at >= 0) idx.splice(at, 1);
    }
    return this.put(m, senderTag);
  }

  /**
   * Records the index entry and prunes beyond MAX_MESSAGES: the oldest message of the sender who
   * holds the most goes first, so one sender (an account the operator made and the user
   * received messages from) flooding the store evicts its own messages, not a contact's older
   * ones (server review F-evict).
   */
  private async remember(
    first: string,
    at: number,
    senderTag: string,
    messageId: string,
    statusIds: readonly string[],
  ): Promise<void> {
    const idx = await this.loadIndex();
    if (!idx.some((e) => e.first === first)) idx.push({ first, at, senderTag, messageId, statusIds: [...statusIds] });
    if (idx.length > MAX_MESSAGES) await this.drop(evictionOrder(idx, idx.length - MAX_MESSAGES));
    // One write of the index per turn of the event loop, however many messages arrived in it.
    this.indexDirty ??= new Promise<void>((resolve) => setTimeout(resolve, 0)).then(async () => {
      this.indexDirty = null;
      await this.area.set({ [this.idxKey()]: await this.loadIndex() });
    });
    await this.indexDirty;
  }

  private loadIndex(): Promise<IndexEntry[]> {
    this.index ??= this.area.get([this.idxKey()]).then((got) => {
      const idx = got[this.idxKey()];
      return parseList(IndexEntrySchema, idx).slice(-MAX_MESSAGES * 2);
    });
    return this.index;
  }

  /** Removes every record of these messages (entries carry what their removal needs: nothing is read back). */
  private async drop(entries: readonly IndexEntry[]): Promise<void> {
    const keys: string[] = [];
    for (const e of entries) {
      keys.push(this.msgKey(e.first), this.midKey(e.senderTag, e.messageId), ...e.statusIds.map((s) => this.stKey(s)));
      for (const s of e.statusIds) this.statuses.delete(s);
    }
    if (keys.length > 0) await this.area.remove(keys);
  }

  /** How many messages are remembered (tests). */
  async size(): Promise<number> {
    return (await this.loadIndex()).length;
  }
}

/** Drops the first overlay's unbounded records once (they held badges computed at the time). */
export async function dropLegacyRecords(area: {
  get(keys: string[] | null): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
  remove(keys: string[]): Promise<void>;
}): Promise<number> {
  const v = (await area.get([STORE_VERSION_KEY]))[STORE_VERSION_KEY];
  if (v === STORE_VERSION) return 0;
  const all = await area.get(null);
  const doomed = Object.keys(all).filter((k) => LEGACY_PREFIXES.some((p) => k.startsWith(p)));
  if (doomed.length > 0) await area.remove(doomed);
  await area.set({ [STORE_VERSION_KEY]: STORE_VERSION });
  return doomed.length;
}
