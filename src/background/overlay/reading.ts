/**
 * Reading side of the overlay: every Hush status on screen is registered here; statuses are
 * grouped into messages by (author as shown, message id), verified and decrypted through
 * KeyServices once every part is known, and remembered (message-store.ts) so prekey rotation and
 * restarts never need the prekey again.
 *
 * What one status shows is decided per status, from what was verified:
 * - the status that carried a verified part shows the message;
 * - the same part under another status id (same text) is a REPLAY, shown with its flag; so is a
 *   message whose replay memory names other status ids (a server re-delivering an old message);
 * - another text claiming the same part is a FOREIGN part: it never replaces the genuine one
 *   (candidates are kept per part, and a forged part cannot verify);
 * - a status whose text changed after it was shown is REPLACED (Hush never edits statuses).
 * One status shown in several places (home, notifications, the DM column) is one status id: the
 * same answer everywhere. Trust is never cached: views ask KeyServices.senderTrust each time.
 * Failures that can heal (locked keys, an unreachable instance) are never remembered as verdicts.
 */
import { hex } from '../../messaging/encoding';
import { inspectChunk, STATUS_PREFIX } from '../../protocol/index';
import { textHidden, type ViewContent, type ViewFailureReason, type ViewFlag } from '../../messaging/overlay-messages';
import type { AccountRef, DecryptFailure, KeyServices } from '../services';
import { MessageStore, type StorageArea, type StoredMessage } from './message-store';

export interface SeenStatus {
  readonly statusId: string;
  readonly text: string;
  readonly author: { readonly acct: string; readonly actorUri: string | null };
  readonly mentions: readonly string[];
  /** The date the page or the API shows for the status (Unix seconds). */
  readonly serverTime: number | null;
  readonly extras: {
    readonly cw: boolean;
    readonly media: boolean;
    readonly card: boolean;
    readonly poll?: boolean;
    readonly quote?: boolean;
  };
}

export type OpenResult =
  | {
      readonly kind: 'part';
      readonly group: string;
      readonly index: number;
      readonly total: number;
      readonly completes: boolean;
    }
  /** It says it is a Hush status but cannot be parsed: shown as a failed view, never as the page's text. */
  | { readonly kind: 'malformed' }
  | { readonly kind: 'not_hush' };

interface Candidate {
  readonly statusId: string;
  readonly text: string;
  readonly hash: string;
  readonly mentions: readonly string[];
}

interface Verified {
  readonly message: StoredMessage;
  /** Set when the replay memory names other status ids for this message. */
  readonly replayOf: { readonly firstSeenAt: number; readonly original: readonly string[] } | null;
}

interface Group {
  readonly account: AccountRef;
  readonly author: SeenStatus['author'];
  readonly messageId: string;
  readonly total: number;
  /** Candidates per part, first seen first (at most MAX_CANDIDATES each). */
  readonly parts: Map<number, Candidate[]>;
  verified: Verified | null;
  /** A lasting failure for the current candidates (never locked / unreachable). */
  failure: { readonly reason: DecryptFailure | 'incomplete_chunks'; readonly signature: string } | null;
  settling: Promise<void> | null;
}

const MAX_CANDIDATES = 4;
/** Statuses held in memory (a long session's timelines; the server decides how many it shows). */
export const MAX_STATUSES = 5000;
const MAX_TRIES = 16;
/** More than this between the signed time and the date the server shows is flagged. */
export const TIME_GAP_SECONDS = 3600;
const SNIPPET = 120;

const TEXT_KEY_LABEL = 'hush/v1/status-text';
async function sha256(label: string, text: string): Promise<string> {
  const bytes = new TextEncoder().encode(`${label}\u0000${text}`);
  return hex(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))).slice(0, 32);
}
/**
 * Names a status's ciphertext exactly (labelled SHA-256, so no crafted edit can collide): the text
 * from the Hush prefix on. The mentions before it are rewritten by the server (`@alice@a.test`
 * is stored and shown as `@alice` on alice's instance) and are checked by the signature instead,
 * so the user's own message is not "replaced" when it comes back through the timeline.
 */
export const textHash = (text: string): Promise<string> => {
  const at = text.indexOf(STATUS_PREFIX);
  return sha256(TEXT_KEY_LABEL, (at < 0 ? text : text.slice(at)).trim());
};
/** The text hash of the Hush text the instance answers for a status ('' when it carries none). */
export const hushHashOf = async (hushText: string): Promise<string> => (hushText === '' ? '' : textHash(hushText));
/** An instance's answer (its Hush text's hash, see hushHashOf) carries the status text hashed `want`. */
export const carriesText = (hushHash: string, want: string): boolean => hushHash !== '' && hushHash === want;
const senderTag = (actorUri: string): Promise<string> => sha256('hush/v1/sender-tag', actorUri);

export const accountKey = (a: AccountRef): string => `${a.origin}|${a.accountId}`;

/**
 * What the user's own instance answers for a status through its API (asked by the background
 * with the user's token, never by or through the page): its server-side reply link and the Hush
 * text it carries (from the prefix on; '' when none).
 */
export interface ServerStatus {
  readonly inReplyToId: string | null;
  readonly text: string;
}
/** 'gone': the instance says there is no such status (404/410/403); 'unavailable': no answer now. */
export type ServerStatusAnswer = ServerStatus | 'gone' | 'unavailable';

/**
 * The Hush text of a status's HTML content: from the prefix to the next tag. The ciphertext's
 * alphabet has no markup characters (`<`, `&`), so nothing of it is lost; '' when there is none.
 */
export function hushTextOf(html: string): string {
  const at = html.indexOf(STATUS_PREFIX);
  if (at < 0) return '';
  const rest = html.slice(at);
  const end = rest.indexOf('<');
  return end < 0 ? rest : rest.slice(0, end);
}

export interface ReaderDeps {
  readonly services: KeyServices;
  readonly area: StorageArea;
  readonly now: () => Promise<number>;
  /** The instance's view of a status, for the reply-link check (absent: no check). */
  readonly serverStatus?: (account: AccountRef, statusId: string) => Promise<ServerStatusAnswer>;
}

/** How long an instance's answer about a status is reused (seconds); failures are never reused. */
export const SERVER_STATUS_TTL = 120;

export class Reader {
  private readonly groups = new Map<string, Group>();
  /** account|status id -> the latest text seen for it, its group and part. */
  private readonly statuses = new Map<
    string,
    SeenStatus & { readonly hash: string; readonly group: string; readonly index: number }
  >();
  private readonly stores = new Map<string, MessageStore>();
  /** account|status id -> text hash of statuses that claim to be Hush but do not parse. */
  private readonly malformed = new Map<string, string>();
  /** account|status id -> the instance's answer about it (reply-link check), for SERVER_STATUS_TTL. */
  private readonly server = new Map<string, { readonly at: number; readonly answer: Promise<ServerStatusAnswer> }>();

  constructor(private readonly deps: ReaderDeps) {}

  store(account: AccountRef): MessageStore {
    const k = accountKey(account);
    let s = this.stores.get(k);
    if (s === undefined) {
      const { services } = this.deps;
      s = new MessageStore(this.deps.area, k, {
        seal: async (data) => {
          const r = await services.sealLocal(account, data);
          return r instanceof Uint8Array ? r : r === 'locked' ? 'locked' : 'unavailable';
        },
        open: async (sealed) => {
          const r = await services.openLocal(account, sealed);
          return r instanceof Uint8Array ? r : r === 'locked' ? 'locked' : 'unavailable';
        },
      });
      this.stores.set(k, s);
    }
    return s;
  }

  /** Registers one status. Never throws on hostile text. */
  async open(account: AccountRef, seen: SeenStatus): Promise<OpenResult> {
    const info = inspectChunk(seen.text);
    if (!info.ok) {
      if (!seen.text.includes(STATUS_PREFIX)) return { kind: 'not_hush' };
      this.statuses.delete(`${accountKey(account)}|${seen.statusId}`);
      this.malformed.set(`${accountKey(account)}|${seen.statusId}`, await textHash(seen.text));
      return { kind: 'malformed' };
    }
    this.malformed.delete(`${accountKey(account)}|${seen.statusId}`);
    const { chunkIndex: index, chunkCount: total } = info.value;
    const messageId = hex(info.value.messageId);
    const hash = await textHash(seen.text);
    // The chunk count is part of the key: a copy claiming another count cannot hold a genuine
    // message "incomplete". A single-part message is verified per status text: copies with the
    // same message id cannot crowd the genuine status out of its own verification.
    const group = `${accountKey(account)}|${seen.author.acct.toLowerCase()}|${messageId}|${total}${total === 1 ? `|${hash}` : ''}`;
    const key = `${accountKey(account)}|${seen.statusId}`;
    this.statuses.delete(key);
    this.statuses.set(key, { ...seen, hash, group, index });
    this.trim();
    let g = this.groups.get(group);
    if (g === undefined) {
      g = {
        account,
        author: seen.author,
        messageId,
        total,
        parts: new Map(),
        verified: null,
        failure: null,
        settling: null,
      };
      this.groups.set(group, g);
    }
    if (total !== g.total) return { kind: 'part', group, index, total, completes: false };
    const list = g.parts.get(index) ?? [];
    const before = g.parts.size;
    if (!list.some((c) => c.statusId === seen.statusId && c.hash === hash)) {
      // Full: the oldest candidate that is not part of the verified message makes room. The clear
      // header is public, so copies drawn first must not keep a genuine later part out for good
      // (page review: four look-alikes of part 2 made a genuine two-part message read "altered").
      if (list.length >= MAX_CANDIDATES) {
        const keep = new Set(g.verified?.message.statusIds ?? []);
        const out = list.findIndex((c) => !keep.has(c.statusId));
        if (out >= 0) list.splice(out, 1);
      }
      if (list.length < MAX_CANDIDATES)
        list.push({ statusId: seen.statusId, text: seen.text, hash, mentions: seen.mentions });
      g.parts.set(index, list);
    }
    const completes = before < g.total && g.parts.size === g.total;
    return { kind: 'part', group, index, total, completes };
  }

  /**
   * What the view of one status shows now (decrypting once every part is known). `brief`: for a
   * one-line preview (the inbox's conversation list), which shows the state and the text only:
   * no reply context and no reply-link check (neither is shown there; the chat's view runs both).
   */
  async view(account: AccountRef, statusId: string, opts: { readonly brief?: boolean } = {}): Promise<ViewContent> {
    const bad = this.malformed.get(`${accountKey(account)}|${statusId}`);
    if (bad !== undefined) {
      // Shown before with a text that parsed: the server changed it (Hush never edits).
      const before = await this.store(account).status(statusId);
      return {
        ...failed('malformed_text'),
        flags: before !== null && before.hash !== bad ? [{ kind: 'replaced' }] : [],
      };
    }
    const seen = this.statuses.get(`${accountKey(account)}|${statusId}`);
    if (seen === undefined) return failed('unknown');
    const g = this.groups.get(seen.group);
    if (g === undefined) return failed('unknown');
    // Locked: nothing already read is shown, and what this reader held in memory is let go.
    if ((await this.deps.services.checkRecipients(account, [])).account === 'locked') {
      for (const other of this.groups.values())
        if (accountKey(other.account) === accountKey(account)) other.verified = null;
      return locked();
    }
    const outcome = await this.settle(g);
    if (outcome !== null) return outcome;
    const v = g.verified;
    if (v === null) return failed(g.failure?.reason ?? 'unknown');
    const m = v.message;
    const flags: ViewFlag[] = [];
    const store = this.store(account);
    let claimed = m.statusIds[seen.index] ?? '';
    // A message first read from an unnamed DM-column entry (`c<id>`) becomes the FIRST named
    // status's own, bound from then on, so a later copy under another id is a replay (server
    // review F-replay-c: before, every named copy counted as its own).
    if (claimed.startsWith('c') && !statusId.startsWith('c')) {
      claimed = statusId;
      await this.name(g, v, seen.index, statusId, 'first-named');
    }
    const mine = claimed === statusId;
    // The status no longer carries the verified text: its own edit is REPLACED, another post's is FOREIGN.
    if (m.hashes[seen.index] !== seen.hash)
      return { ...failed('not_part_of_message'), flags: [{ kind: mine ? 'replaced' : 'foreign_part' }] };
    // The same part under another status id, or a message the replay memory knows elsewhere.
    // (A DM-column entry the API could not name, `c<id>`, has no status id to compare: no verdict.)
    if (!statusId.startsWith('c') && (!mine || v.replayOf !== null)) {
      const original = v.replayOf?.original ?? m.statusIds;
      if (await this.pageInvented(account, original[seen.index] ?? '', statusId, seen.hash)) {
        await this.name(g, v, seen.index, statusId, 'page-invented');
      } else flags.push({ kind: 'replayed', firstSeenAt: v.replayOf?.firstSeenAt ?? m.firstShownAt });
    }
    const before = await store.status(statusId);
    if (before !== null && before.hash !== seen.hash) flags.push({ kind: 'replaced' });
    if (seen.serverTime !== null && Math.abs(seen.serverTime - m.createdAt) > TIME_GAP_SECONDS)
      flags.push({ kind: 'time_gap', serverTime: seen.serverTime });
    const x = seen.extras;
    if (x.cw || x.media || x.card || x.poll === true || x.quote === true) flags.push({ kind: 'unsigned_extras', ...x });
    const parent = opts.brief === true ? null : await this.parentCheck(account, statusId, seen.index, m);
    if (parent !== null) flags.push(parent);
    const trust = await this.deps.services.senderTrust(account, m.sender, m.createdAt);
    return {
      state: 'message',
      plaintext: m.plaintext,
      sender: { acct: trust.acct, trust: trust.kind, fingerprint: trust.fingerprint },
      createdAt: m.createdAt,
      replyTo: m.replyTo === null || opts.brief === true ? null : await this.replyContext(account, m),
      flags,
      reason: null,
      parts: null,
    };
  }

  /**
   * The view of one status and the signer whose trust it names (the inbox's sealed known list looks
   * that trust up again when it is shown): the verified message of the status's group, the one
   * the view showed. A replayed copy shares it although it is not among that message's own status
   * ids (where `messageOf` answers null). Null unless the view is a message by that very key.
   */
  async viewAndSigner(
    account: AccountRef,
    statusId: string,
    opts: { readonly brief?: boolean } = {},
  ): Promise<{
    readonly view: ViewContent;
    readonly signer: {
      readonly actorUri: string;
      readonly fingerprint: string;
      readonly createdAt: number;
    } | null;
  }> {
    const view = await this.view(account, statusId, opts);
    const s = this.statuses.get(`${accountKey(account)}|${statusId}`);
    const m = s === undefined ? undefined : this.groups.get(s.group)?.verified?.message;
    if (view.state !== 'message' || m === undefined || m.sender.fingerprint !== view.sender?.fingerprint)
      return { view, signer: null };
    return { view, signer: { actorUri: m.sender.actorUri, fingerprint: m.sender.fingerprint, createdAt: m.createdAt } };
  }

  /** The chunk index and count of a registered status (null when unknown or not Hush). */
  partOf(
    account: AccountRef,
    statusId: string,
  ): { readonly index: number; readonly total: number; readonly group: string } | null {
    const s = this.statuses.get(`${accountKey(account)}|${statusId}`);
    const g = s === undefined ? undefined : this.groups.get(s.group);
    return s === undefined || g === undefined ? null : { index: s.index, total: g.total, group: s.group };
  }

  /** A registered status with exactly this text (a DM-column entry shows a status seen elsewhere). */
  async statusWithText(account: AccountRef, text: string): Promise<SeenStatus | null> {
    const hash = await textHash(text);
    const prefix = `${accountKey(account)}|`;
    for (const [k, s] of this.statuses)
      if (k.startsWith(prefix) && s.hash === hash && !s.statusId.startsWith('c')) return s;
    return null;
  }

  /** Status ids of the views that show a group (its first part), to refresh them when it completes. */
  statusesOf(group: string): string[] {
    const g = this.groups.get(group);
    return (g?.parts.get(0) ?? []).map((c) => c.statusId);
  }

  /**
   * The verified message a status carried (after a restart too: from the store), for replies:
   * its authenticated sender and recipients, id and a snippet. Null when it is not a verified
   * Hush message in this browser.
   */
  async messageOf(account: AccountRef, statusId: string): Promise<StoredMessage | 'locked' | null> {
    const s = this.statuses.get(`${accountKey(account)}|${statusId}`);
    const g = s === undefined ? undefined : this.groups.get(s.group);
    if (g !== undefined) {
      await this.settle(g);
      if (g.verified !== null && g.verified.message.statusIds.includes(statusId)) return g.verified.message;
    }
    const rec = await this.store(account).status(statusId);
    return rec === null ? null : this.store(account).message(rec.message);
  }

  /** Our own statuses, just posted and read back: remembered as verified (the sender knows the plaintext). */
  async rememberPosted(
    account: AccountRef,
    m: Omit<StoredMessage, 'hashes' | 'firstShownAt'>,
    texts: readonly string[],
  ): Promise<boolean> {
    const hashes = await Promise.all(texts.map(textHash));
    const stored: StoredMessage = { ...m, hashes, firstShownAt: await this.deps.now() };
    // An id the instance names for our post that already carries another message keeps its record.
    return this.store(account).put(stored, await senderTag(m.sender.actorUri));
  }

  /**
   * The status id a message was first read under comes from the page (`data-id`), which can draw a
   * new message once under an id of its choosing so that the real status reads "replayed" for
   * good (page review). Before flagging, the user's own instance is asked (the background, with
   * the user's token): when it says the first id does not carry this text (gone, or other text)
   * and this status does, the first id was the page's invention. Without an answer either way the
   * flag stands: only the instance, not the page, can withhold answers.
   */
  private async pageInvented(account: AccountRef, original: string, statusId: string, hash: string): Promise<boolean> {
    if (this.deps.serverStatus === undefined || original === '' || original.startsWith('c')) return false;
    const carries = async (a: ServerStatusAnswer): Promise<boolean | null> =>
      typeof a === 'string' ? (a === 'gone' ? false : null) : carriesText(await hushHashOf(a.text), hash);
    if ((await carries(await this.serverStatusOf(account, original))) !== false) return false;
    return (await carries(await this.serverStatusOf(account, statusId))) === true;
  }

  /**
   * Names `statusId` as the status that carries part `index` of a verified message, in memory and
   * in the store (a `c` id is no status id: stored once every part is named).
   * - 'first-named': the message was first read from an unnamed DM-column entry (`c<id>`); its
   *   replay state stays, and a replay is never stored over another status's record.
   * - 'page-invented': the ids it was known under were the page's invention (see pageInvented):
   *   the replay memory's ids are replaced and it is no replay any more.
   */
  private async name(
    g: Group,
    v: Verified,
    index: number,
    statusId: string,
    why: 'first-named' | 'page-invented',
  ): Promise<void> {
    const invented = why === 'page-invented';
    const from = invented ? (v.replayOf?.original ?? v.message.statusIds) : v.message.statusIds;
    const statusIds = from.map((id, i) => (i === index ? statusId : id));
    const message: StoredMessage = { ...v.message, statusIds };
    g.verified = { message, replayOf: invented ? null : v.replayOf };
    if (statusIds.some((id) => id.startsWith('c')) || (!invented && v.replayOf !== null)) return;
    const store = this.store(g.account);
    const tag = await senderTag(message.sender.actorUri);
    await (invented ? store.rebind(message, tag) : store.put(message, tag)).catch(() => false);
  }

  /**
   * Bounds what the server can make this worker hold (review R6): beyond MAX_STATUSES registered
   * statuses the least recently registered go, with groups no status names any more. A view whose
   * status went is registered again from its session when it asks (views.ts ensureKnown), and
   * verified messages stay in the store.
   */
  private trim(): void {
    if (this.statuses.size <= MAX_STATUSES) return;
    for (const k of this.statuses.keys()) {
      if (this.statuses.size <= MAX_STATUSES - MAX_STATUSES / 10) break;
      this.statuses.delete(k);
    }
    const live = new Set<string>();
    for (const st of this.statuses.values()) live.add(st.group);
    for (const [k, g] of this.groups) if (!live.has(k) && g.settling === null) this.groups.delete(k);
    if (this.malformed.size > MAX_STATUSES) this.malformed.clear();
  }

  /** Verifies the group if it can be; returns a view when the group cannot settle now (pending states). */
  private async settle(g: Group): Promise<ViewContent | null> {
    while (g.settling !== null) await g.settling;
    if (g.verified !== null) return null;
    if (g.parts.size < g.total)
      return { ...failed('incomplete'), state: 'incomplete', parts: { have: g.parts.size, total: g.total } };
    const signature = [...g.parts.values()].map((l) => l.map((c) => c.hash).join(',')).join('|');
    if (g.failure?.signature === signature) return null;
    let pending: ViewContent | null = null;
    g.settling = (async () => {
      pending = await this.verify(g, signature);
    })().finally(() => {
      g.settling = null;
    });
    await g.settling;
    return pending;
  }

  private async verify(g: Group, signature: string): Promise<ViewContent | null> {
    const store = this.store(g.account);
    const firsts = g.parts.get(0) ?? [];
    // Known already (after a restart, or another view): the store holds it sealed.
    for (const c of firsts) {
      const rec = await store.status(c.statusId);
      if (rec === null || rec.hash !== c.hash) continue;
      const m = await store.message(rec.message);
      if (m === 'locked') return locked();
      if (m !== null && this.matches(g, m)) {
        g.verified = { message: m, replayOf: null };
        return null;
      }
    }
    let lastFailure: DecryptFailure = 'incomplete';
    for (const combo of combinations(g, MAX_TRIES)) {
      const first = combo[0];
      if (first === undefined) break;
      const out = await this.deps.services.decrypt(g.account, {
        author: g.author,
        mentions: first.mentions,
        chunks: combo.map((c) => ({ statusId: c.statusId, text: c.text })),
      });
      if (out.ok) {
        const now = await this.deps.now();
        const tag = await senderTag(out.sender.actorUri);
        const known = await store.replay(tag, out.messageId);
        const seenIds = combo.map((c) => c.statusId);
        const unnamedEntry = seenIds.some((id) => id.startsWith('c'));
        // Read from an unnamed DM-column entry: the message is the one already known, not a replay.
        const statusIds = unnamedEntry && known !== null ? known.statusIds : seenIds;
        const replayed = known !== null && known.statusIds[0] !== statusIds[0];
        const message: StoredMessage = {
          plaintext: out.plaintext,
          sender: out.sender,
          recipients: out.recipients,
          messageId: out.messageId,
          replyTo: out.replyTo,
          createdAt: out.createdAt,
          statusIds,
          hashes: combo.map((c) => c.hash),
          firstShownAt: replayed ? known.at : now,
        };
        g.verified = { message, replayOf: replayed ? { firstSeenAt: known.at, original: known.statusIds } : null };
        // A replay is never stored over the original; a replaced status keeps its first record.
        const prior = await store.status(first.statusId);
        // A DM-column entry the API could not name (`c<id>`) is no status id: nothing is stored under it.
        if (!replayed && !unnamedEntry && (prior === null || prior.hash === first.hash))
          await store.put(message, tag).catch(() => undefined);
        return null;
      }
      // Temporary states heal by themselves: never remembered.
      if (out.reason === 'locked') return locked();
      if (out.reason === 'unreachable') return { ...failed('unreachable'), state: 'unreachable' };
      lastFailure = out.reason;
    }
    g.failure = { reason: lastFailure, signature };
    return null;
  }

  /** A stored message belongs to this group's current candidates (same status ids and texts). */
  private matches(g: Group, m: StoredMessage): boolean {
    return (
      m.statusIds.length === g.total &&
      m.statusIds.every((id, i) => (g.parts.get(i) ?? []).some((c) => c.statusId === id && c.hash === m.hashes[i]))
    );
  }

  /**
   * Invariant 3 of issue #21: the instance must not show a signed answer under another question.
   * The signed reference is the parent's MESSAGE id (PROTOCOL.md §4.4 reply_to); the instance's is
   * a status id (`in_reply_to_id`). Both are asked from the instance's API by the background with
   * the user's token (the page's JavaScript cannot answer them): this status's reply link, then the
   * status it names. That status must carry a part of the signed parent (its clear header names
   * the message id; whether it is genuine is its own view's business). Anything else it names (a
   * plain post, another Hush message, an unreadable one) is a `parent_mismatch`. No verdict when
   * the check cannot be made: no signed parent, a first part only (later parts answer the previous
   * part and are shown with the first), no reply link (federation drops a parent the receiving
   * instance cannot fetch), a parent the instance says is gone (deleted), no token or no answer.
   */
  private async parentCheck(
    account: AccountRef,
    statusId: string,
    index: number,
    m: StoredMessage,
  ): Promise<ViewFlag | null> {
    if (m.replyTo === null || index !== 0 || statusId.startsWith('c') || this.deps.serverStatus === undefined)
      return null;
    const own = await this.serverStatusOf(account, statusId);
    if (typeof own === 'string' || own.inReplyToId === null) return null;
    const parent = await this.serverStatusOf(account, own.inReplyToId);
    if (typeof parent === 'string') return null;
    const info = inspectChunk(parent.text);
    if (info.ok && hex(info.value.messageId) === m.replyTo) return null;
    return {
      kind: 'parent_mismatch',
      shown: info.ok ? 'other_message' : parent.text.includes(STATUS_PREFIX) ? 'unreadable' : 'plain',
    };
  }

  /**
   * What the user's instance already answered about a status through its API, asked by the
   * background with the user's token (e.g. in a thread's context): the reply-link check then
   * needs no request of its own for it. The same source and the same lifetime as its own asks.
   */
  async knowServerStatus(account: AccountRef, statusId: string, answer: ServerStatus): Promise<void> {
    if (this.deps.serverStatus === undefined) return;
    if (this.server.size > 2000) this.server.clear();
    this.server.set(`${accountKey(account)}|${statusId}`, {
      at: await this.deps.now(),
      answer: Promise.resolve(answer),
    });
  }

  private async serverStatusOf(account: AccountRef, statusId: string): Promise<ServerStatusAnswer> {
    const ask = this.deps.serverStatus;
    if (ask === undefined) return 'unavailable';
    const k = `${accountKey(account)}|${statusId}`;
    const now = await this.deps.now();
    const hit = this.server.get(k);
    if (hit !== undefined && now - hit.at < SERVER_STATUS_TTL) return hit.answer;
    if (this.server.size > 2000) this.server.clear();
    const answer = ask(account, statusId).catch((): ServerStatusAnswer => 'unavailable');
    this.server.set(k, { at: now, answer });
    // No answer now is no fact about the status: asked again next time.
    if ((await answer) === 'unavailable') this.server.delete(k);
    return answer;
  }

  /**
   * What Hush knows of the message `m` answers (signed reply-to): its sender and a snippet. The
   * signed reference is a message id, which each sender chooses: a co-recipient can reuse the
   * parent's id for a message of its own. When verified messages of more than one of the answer's
   * parties carry that id, no context is shown rather than a guess (server review F-reply-ctx).
   */
  private async replyContext(account: AccountRef, m: StoredMessage): Promise<NonNullable<ViewContent['replyTo']>> {
    const unknown = { known: false, sender: null, snippet: null, createdAt: null } as const;
    if (m.replyTo === null) return unknown;
    const store = this.store(account);
    const parties = [m.sender, ...m.recipients];
    const found = new Map<string, StoredMessage | null>();
    for (const g of this.groups.values()) {
      const v = g.verified?.message;
      if (
        v !== undefined &&
        v.messageId === m.replyTo &&
        accountKey(g.account) === accountKey(account) &&
        parties.some((p) => p.actorUri === v.sender.actorUri)
      ) {
        if (!found.has(v.sender.actorUri)) found.set(v.sender.actorUri, v);
      }
    }
    for (const party of parties) {
      if (found.has(party.actorUri)) continue;
      const known = await store.replay(await senderTag(party.actorUri), m.replyTo);
      const first = known?.statusIds[0];
      if (first === undefined) continue;
      const parent = await store.message(first);
      // Locked or unreadable: still a message of that party with the id (it counts as ambiguity).
      found.set(party.actorUri, parent !== null && parent !== 'locked' ? parent : null);
    }
    if (found.size !== 1) return unknown;
    const [parent] = found.values();
    return parent === undefined || parent === null ? unknown : this.describe(account, parent);
  }

  private async describe(account: AccountRef, parent: StoredMessage): Promise<NonNullable<ViewContent['replyTo']>> {
    const [handle] = await this.deps.services.handlesOf(account, [parent.sender.actorUri]);
    // A message signed with a revoked key shows its text only on the user's choice, in its own
    // view (textHidden): never as the snippet of an answer to it. Trust is asked now, as for a view.
    const trust = await this.deps.services.senderTrust(account, parent.sender, parent.createdAt);
    const snippet = textHidden({ trust: trust.kind })
      ? null
      : Array.from(parent.plaintext).slice(0, SNIPPET).join('') +
        (Array.from(parent.plaintext).length > SNIPPET ? '…' : '');
    return { known: true, sender: handle ?? null, snippet, createdAt: parent.createdAt };
  }
}

function failed(reason: ViewFailureReason): ViewContent {
  return {
    state: 'failed',
    plaintext: null,
    sender: null,
    createdAt: null,
    replyTo: null,
    flags: [],
    reason,
    parts: null,
  };
}
const locked = (): ViewContent => ({ ...failed('locked'), state: 'locked' });

/**
 * Candidate combinations to try, first-seen first: the first candidate of every part, then each
 * single part swapped for one of its alternatives (a forged part sits beside the genuine one).
 */
function* combinations(g: Group, max: number): Generator<Candidate[]> {
  const lists: Candidate[][] = [];
  for (let i = 0; i < g.total; i++) {
    const l = g.parts.get(i);
    if (l === undefined || l.length === 0) return;
    lists.push(l);
  }
  // Every combination (a forged copy of EVERY part may come first), the earliest-seen first.
  const combos: number[][] = [[]];
  for (const l of lists) {
    const next: number[][] = [];
    for (const c of combos) for (let k = 0; k < l.length; k++) next.push([...c, k]);
    combos.splice(
      0,
      combos.length,
      ...next.sort((a, b) => a.reduce((x, y) => x + y, 0) - b.reduce((x, y) => x + y, 0)).slice(0, max * 4),
    );
  }
  let tries = 0;
  for (const c of combos) {
    if (tries++ >= max) return;
    yield c.map((k, i) => lists[i]?.[k] as Candidate);
  }
}
