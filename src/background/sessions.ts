/**
 * The one store of overlay sessions (editor and view). A session id names ONE record,
 * `session:<id>` in storage.session: its kind, its tab, the frame bound to it and its state (the
 * editor's draft and publish progress, or the view's status). Who may create, join and use a
 * session of each kind is the table in messaging/sessions.ts; every method here that a sender
 * reaches checks it again against the browser-stamped sender (kind, path, tab, frameId), so a
 * surface that may only join can never create, whatever a handler does.
 *
 * Secure frames (editor, message view) are web-accessible, so a hostile page can load them too,
 * post them any message and read every attribute of the frames Hush inserts. A frame therefore
 * binds to its session through nothing the page can read, replay or flood:
 *
 * - A session is made for the content script of one tab, of one kind. Its id never leaves the
 *   extension: the content script gets only one-time OFFER tokens, one per load of the frame it
 *   inserted, and hands each to its own frame with postMessage targeted at the extension origin
 *   (the page cannot read it; see content/dom.ts).
 * - Live offers are listed in storage.session (`hush:offers`), readable by extension pages only,
 *   never by pages (in Firefox also in storage.local, as its frames cannot see storage.session;
 *   content scripts could read that copy, and they are ours). A frame checks each message it
 *   receives against that list locally, so forged offers cost one Map lookup and are ignored:
 *   flooding cannot make a frame give up, and nothing a page posts is ever sent on to the background.
 * - Joining (claiming an offer) is checked against the browser-stamped tab, frame and path: the
 *   offer is used up whoever presents it, and the session is bound to that frameId. A later offer
 *   (the frame reloaded, e.g. after a DOM move) rebinds it; every other frame is refused from then on.
 * (No crypto: the offer is a 144-bit random string whose only use is to be claimed once.)
 *
 * Records must outlive a service-worker restart (Chromium stops an idle worker after about 30 s,
 * and a user who pauses while writing must still be able to post what the editor shows).
 * storage.session is memory-only, cleared when the browser closes, and not readable by content
 * scripts. A memory map in front keeps reads cheap while awake and makes every check-and-set
 * (claiming an offer, binding a frame) synchronous, so two racing claims cannot both win.
 * (No browser import but the default areas: the areas are passed in, so this is unit-tested in Node.)
 */
import browser from 'webextension-polyfill';
import { b64 } from '../messaging/encoding';
import {
  SESSION_KIND_NAMES,
  SESSION_PREFIX,
  mayCreate,
  mayJoin,
  surfaceOf,
  type SessionKind,
} from '../messaging/sessions';
import type { SenderContext } from './senders';
import { evictFairly } from './storage/evict';
import { OfferSchema, SessionRecordSchema, parseStored } from './storage/keys';

export interface SessionArea {
  get(keys: string | null): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
  remove(keys: string | string[]): Promise<void>;
}

/** The one record a session id names. */
interface SessionRecord {
  readonly kind: SessionKind;
  readonly tabId: number;
  readonly createdAt: number;
  /** The frame bound to the session (browser-stamped frameId); absent until joined. */
  readonly frameId?: number;
  readonly state: unknown;
}

/** A session as its kind's handlers see it: the tab it belongs to and its state. */
export interface Held<S> {
  readonly tabId: number;
  readonly state: S;
}

/** storage.session key of the live offers: token -> {session, kind, tabId, expires}. */
export const OFFERS_KEY = 'hush:offers';
/** An offer unclaimed this long is dropped (a frame claims it within its first second). */
const OFFER_TTL_MS = 60_000;
const MAX_OFFERS = 2_000;
export const TOKEN_RE = /^[A-Za-z0-9_-]{24}$/;
/** What the store answers a sender the session table does not allow (the handler replies `forbidden_sender`). */
export const FORBIDDEN: unique symbol = Symbol('forbidden');

export interface Offer {
  readonly session: string;
  readonly kind: SessionKind;
  readonly tabId: number;
  readonly expires: number;
}

const randomId = (bytes: number): string => b64(crypto.getRandomValues(new Uint8Array(bytes)));
const key = (id: string): string => SESSION_PREFIX + id;

/** The sessions of one kind, as its handlers use them (compose.ts: editor, views.ts: view). */
export interface KindSessions<S> {
  /** A new session for the sender's tab with its first state, and its first offer; FORBIDDEN: this sender may not create one. */
  create(sender: SenderContext, state: S): Promise<{ session: string; offer: string } | typeof FORBIDDEN>;
  /**
   * The sender claims an offer: used up whoever presents it; the session is bound to the sender's
   * frame. FORBIDDEN: this sender may not join sessions of this kind; null: no such live offer for it.
   */
  join(offer: string, sender: SenderContext): Promise<({ session: string } & Held<S>) | typeof FORBIDDEN | null>;
  /** The session if the sender is its creator's surface in its tab. */
  asCreator(session: string, sender: SenderContext): Promise<Held<S> | null>;
  /** The session if the sender is the frame bound to it. */
  asJoiner(session: string, sender: SenderContext): Promise<Held<S> | null>;
  /** The background's own read (after an await, say); no sender involved. */
  get(session: string): Promise<Held<S> | null>;
  /** Replaces the state, keeping kind, tab and binding; false when the session is gone (or storage refused it: memory keeps it). */
  put(session: string, state: S): Promise<boolean>;
  /** Every session of this kind, including those written before this worker started. */
  all(): Promise<[string, Held<S>][]>;
  close(session: string): Promise<void>;
}

/** How many closed ids a worker remembers (see SessionStore.closed); an id is 24 characters. */
const MAX_CLOSED_MARKS = 20_000;

export class SessionStore {
  private readonly mem = new Map<string, SessionRecord>();
  /** Set once storage has been read in full: from then on every record is in `mem` (all writes go through it). */
  private loaded = false;
  private offers: Promise<Map<string, Offer>> | null = null;
  private flush: Promise<void> | null = null;
  /**
   * Sessions closed by this worker: a storage read that started before the close (after a worker
   * restart, a listing and a close can overlap) must not bring one back, binding and all.
   */
  private readonly closed = new Set<string>();

  /**
   * `area`: where records and offers live (storage.session). `offersMirror`: where offers are
   * listed as well (Firefox's storage.local: its frames inside a web page cannot see storage.session).
   */
  constructor(
    private readonly area: () => SessionArea,
    private readonly offersMirror: (() => SessionArea) | null = null,
    private readonly now: () => number = Date.now,
  ) {}

  /** The typed view of one kind's sessions; `valid` checks a stored state (stored state is input like any other). */
  of<S>(kind: SessionKind, valid: (v: unknown) => v is S): KindSessions<S> {
    const held = (r: SessionRecord | null): Held<S> | null =>
      r !== null && r.kind === kind && valid(r.state) ? { tabId: r.tabId, state: r.state } : null;
    return {
      create: async (sender, state) => {
        if (!mayCreate(surfaceOf(sender), kind) || sender.tabId === null) return FORBIDDEN;
        const id = randomId(18);
        await this.write(id, { kind, tabId: sender.tabId, createdAt: this.now(), state });
        return { session: id, offer: await this.offerFor(id, kind, sender.tabId) };
      },
      join: async (offer, sender) => {
        if (!mayJoin(surfaceOf(sender), kind) || sender.tabId === null || typeof sender.frameId !== 'number')
          return FORBIDDEN;
        const got = await this.claim(offer, kind, sender.tabId, sender.frameId);
        const h = held(got?.record ?? null);
        return got === null || h === null ? null : { session: got.session, ...h };
      },
      asCreator: async (session, sender) => {
        if (!mayCreate(surfaceOf(sender), kind)) return null;
        const r = await this.read(session);
        return r?.tabId === sender.tabId ? held(r) : null;
      },
      asJoiner: async (session, sender) => {
        if (!mayJoin(surfaceOf(sender), kind) || typeof sender.frameId !== 'number') return null;
        const r = await this.read(session);
        return r?.tabId === sender.tabId && r.frameId === sender.frameId ? held(r) : null;
      },
      get: async (session) => held(await this.read(session)),
      put: async (session, state) => {
        const r = await this.read(session);
        if (r?.kind !== kind) return false;
        return this.write(session, { ...r, state });
      },
      all: async () => {
        await this.loadAll();
        const out: [string, Held<S>][] = [];
        for (const [id, r] of this.mem) {
          const h = held(r);
          if (h !== null) out.push([id, h]);
        }
        return out;
      },
      close: (session) => this.close(session),
    };
  }

  /** A fresh offer for a frame that loaded again: only the creator's surface of the same tab may ask. */
  async reoffer(session: string, sender: SenderContext): Promise<string | typeof FORBIDDEN | null> {
    if (sender.tabId === null || !SESSION_KIND_NAMES.some((k) => mayCreate(surfaceOf(sender), k))) return FORBIDDEN;
    const r = await this.read(session);
    if (r === null || r.tabId !== sender.tabId || !mayCreate(surfaceOf(sender), r.kind)) return null;
    return this.offerFor(session, r.kind, r.tabId);
  }

  async close(session: string): Promise<void> {
    this.forget(session);
    const m = await this.memory();
    let dropped = false;
    for (const [t, o] of m) if (o.session === session) dropped = m.delete(t);
    if (dropped) void this.persist();
    await this.area().remove(key(session));
  }

  /** Removes every session of a closed tab (records, memory copies and offers); the number of records removed. */
  async sweepTab(tabId: number): Promise<number> {
    const everything = await this.area().get(null);
    const doomed = new Set<string>();
    for (const [k, v] of Object.entries(everything))
      if (k.startsWith(SESSION_PREFIX) && parseStored(SessionRecordSchema, v)?.tabId === tabId)
        doomed.add(k.slice(SESSION_PREFIX.length));
    for (const [id, r] of this.mem) if (r.tabId === tabId) doomed.add(id);
    for (const id of doomed) this.forget(id);
    const m = await this.memory();
    let dropped = false;
    for (const [t, o] of m) if (o.tabId === tabId) dropped = m.delete(t);
    if (dropped) void this.persist();
    if (doomed.size > 0) await this.area().remove([...doomed].map(key));
    return doomed.size;
  }

  private forget(id: string): void {
    this.mem.delete(id);
    this.closed.add(id);
    // Ids are random and never reused: the oldest marks can go once there are many.
    if (this.closed.size > MAX_CLOSED_MARKS)
      for (const old of [...this.closed].slice(0, MAX_CLOSED_MARKS / 2)) this.closed.delete(old);
  }

  private async read(id: string): Promise<SessionRecord | null> {
    const m = this.mem.get(id);
    if (m !== undefined) return m;
    if (this.loaded) return null;
    const got = parseStored(SessionRecordSchema, (await this.area().get(key(id)))[key(id)]);
    // A write made while storage was read wins over what was read.
    const now = this.mem.get(id);
    if (now !== undefined) return now;
    if (got === null || this.closed.has(id)) return null;
    this.mem.set(id, got);
    return got;
  }

  /** False when storage refused it (quota): the record then lives in memory only, as it did before. */
  private async write(id: string, r: SessionRecord): Promise<boolean> {
    this.mem.set(id, r);
    try {
      await this.area().set({ [key(id)]: r });
      return true;
    } catch {
      return false;
    }
  }

  private async loadAll(): Promise<void> {
    if (this.loaded) return;
    const everything = await this.area().get(null);
    for (const [k, v] of Object.entries(everything)) {
      const id = k.slice(SESSION_PREFIX.length);
      if (!k.startsWith(SESSION_PREFIX) || this.mem.has(id) || this.closed.has(id)) continue;
      const r = parseStored(SessionRecordSchema, v);
      if (r !== null) this.mem.set(id, r);
    }
    this.loaded = true;
  }

  /**
   * A frame claims an offer: it must be live, made for this tab and this kind of frame. The offer
   * is used up and the session is bound to the claiming frame.
   */
  private async claim(
    token: string,
    kind: SessionKind,
    tabId: number,
    frameId: number,
  ): Promise<{ session: string; record: SessionRecord } | null> {
    const m = await this.memory();
    const offer = m.get(token);
    m.delete(token); // one-time, whoever presents it
    void this.persist();
    if (offer === undefined || offer.expires < this.now()) return null;
    if (offer.tabId !== tabId || offer.kind !== kind) return null;
    const r = await this.read(offer.session);
    if (r?.tabId !== tabId || r.kind !== kind) return null;
    const bound = { ...r, frameId };
    await this.write(offer.session, bound);
    return { session: offer.session, record: bound };
  }

  private memory(): Promise<Map<string, Offer>> {
    return (this.offers ??= this.readOffers().catch(() => new Map<string, Offer>()));
  }

  private async readOffers(): Promise<Map<string, Offer>> {
    const got = (await this.area().get(OFFERS_KEY))[OFFERS_KEY];
    const out = new Map<string, Offer>();
    if (typeof got === 'object' && got !== null) {
      for (const [t, o] of Object.entries(got)) {
        const offer = parseStored(OfferSchema, o);
        if (TOKEN_RE.test(t) && offer !== null) out.set(t, offer);
      }
    }
    return out;
  }

  private async offerFor(session: string, kind: SessionKind, tabId: number): Promise<string> {
    const token = randomId(18);
    const m = await this.memory();
    // One live offer per session: each load of the frame gets a fresh one and the earlier ones are
    // of documents that are gone (a page reloading a frame at will cannot pile offers up).
    for (const [t, o] of m) if (o.session === session) m.delete(t);
    m.set(token, { session, kind, tabId, expires: this.now() + OFFER_TTL_MS });
    await this.persist();
    return token;
  }

  /**
   * Offers live in memory (the authority: a claimed offer is gone at once) and are written through
   * to storage, where frames look them up. Writes are batched: every offer made in one turn of the
   * event loop is stored in one write, and each maker waits for that write (its frame is inserted
   * only after it), so 200 views cost a handful of writes, not 200.
   */
  private persist(): Promise<void> {
    this.flush ??= new Promise<void>((resolve) => setTimeout(resolve, 0)).then(async () => {
      this.flush = null;
      const m = await this.memory();
      const now = this.now();
      for (const [t, o] of m) if (o.expires < now) m.delete(t);
      // Down to MAX_OFFERS: the oldest offers of the tab holding the most go first, so one page
      // making loads at will cannot evict the offers other tabs' frames are about to claim.
      if (m.size > MAX_OFFERS)
        for (const [t] of evictFairly([...m], ([, o]) => o.tabId, m.size - MAX_OFFERS)) m.delete(t);
      const listed = { [OFFERS_KEY]: Object.fromEntries(m) };
      await this.area().set(listed);
      if (this.offersMirror !== null) await this.offersMirror().set(listed);
    });
    return this.flush;
  }
}

/** Firefox (it has runtime.getBrowserInfo): offers are listed in storage.local too, see persist(). */
const offersInLocal = (): boolean =>
  typeof (browser.runtime as { getBrowserInfo?: unknown }).getBrowserInfo === 'function';

/** The store over the browser's areas. */
export function browserSessionStore(): SessionStore {
  return new SessionStore(() => browser.storage.session, offersInLocal() ? () => browser.storage.local : null);
}
