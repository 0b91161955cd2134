/**
 * Secure frames (editor, message view) are web-accessible, so a hostile page can load them too,
 * post them any message and read every attribute of the frames Hush inserts. A frame therefore
 * binds to its session through nothing the page can read, replay or flood:
 *
 * - A session (`frame:<id>`) is made by the background for a content script of one tab, of one
 *   kind (view | editor). Its id never leaves the extension: the content script gets only one-time
 *   OFFER tokens, one per load of the frame it inserted, and hands each to its own frame with
 *   postMessage targeted at the extension origin (the page cannot read it; see content/dom.ts).
 * - Live offers are listed in storage.session (`hush:offers`), readable by extension pages only,
 *   never by pages (in Firefox also in storage.local, as its frames cannot see storage.session;
 *   content scripts could read that copy, and they are ours). A frame checks each message it receives against that list
 *   locally, so forged offers cost one Map lookup and are ignored: flooding cannot make a frame
 *   give up, and nothing a page posts is ever sent on to the background.
 * - Claiming an offer (`frame/claim`) is checked against the browser-stamped tab, frame and path:
 *   the offer is used up, and the session is bound to that frameId. A later offer (the frame
 *   reloaded, e.g. after a DOM move) rebinds it; every other frame is refused from then on.
 * (No crypto: the offer is a 144-bit random string whose only use is to be claimed once.)
 */
import { b64 } from '../messaging/encoding';
import { FRAME_BINDING_PREFIX, type SessionKind } from '../messaging/sessions';
import browser from 'webextension-polyfill';
import { evictFairly } from './storage/evict';
import { FrameSessionSchema, OfferSchema, parseStored } from './storage/keys';

export type FrameKind = SessionKind;

export interface FrameSession {
  readonly kind: FrameKind;
  readonly tabId: number;
  readonly createdAt: number;
  /** The frame bound to the session (browser-stamped frameId); absent until claimed. */
  readonly frameId?: number;
}

/** storage.session key of the live offers: token -> {session, kind, tabId, expires}. */
export const OFFERS_KEY = 'hush:offers';
/** An offer unclaimed this long is dropped (a frame claims it within its first second). */
const OFFER_TTL_MS = 60_000;
const MAX_OFFERS = 2_000;

export interface Offer {
  readonly session: string;
  readonly kind: FrameKind;
  readonly tabId: number;
  readonly expires: number;
}

export const TOKEN_RE = /^[A-Za-z0-9_-]{24}$/;
const key = (id: string) => `${FRAME_BINDING_PREFIX}${id}`;

/** Firefox (it has runtime.getBrowserInfo): offers are listed in storage.local too, see persist(). */
const offersInLocal = typeof (browser.runtime as { getBrowserInfo?: unknown }).getBrowserInfo === 'function';

/** Sessions bound in this worker's lifetime: a synchronous check-and-set, so two racing claims cannot both win. */
const boundHere = new Map<string, number>();

function randomId(bytes: number): string {
  return b64(crypto.getRandomValues(new Uint8Array(bytes)));
}

async function readOffers(): Promise<Map<string, Offer>> {
  const got = (await browser.storage.session.get(OFFERS_KEY))[OFFERS_KEY];
  const out = new Map<string, Offer>();
  if (typeof got === 'object' && got !== null) {
    for (const [t, o] of Object.entries(got)) {
      const offer = parseStored(OfferSchema, o);
      if (TOKEN_RE.test(t) && offer !== null) out.set(t, offer);
    }
  }
  return out;
}

/**
 * Offers live in memory (the authority: a claimed offer is gone at once) and are written through
 * to storage.session, where frames look them up. Writes are batched: every offer made in one turn
 * of the event loop is stored in one write, and each maker waits for that write (its frame is
 * inserted only after it), so 200 views cost a handful of writes, not 200.
 */
let offers: Promise<Map<string, Offer>> | null = null;
let flush: Promise<void> | null = null;
const memory = (): Promise<Map<string, Offer>> => (offers ??= readOffers().catch(() => new Map<string, Offer>()));

function persist(): Promise<void> {
  flush ??= new Promise<void>((resolve) => setTimeout(resolve, 0)).then(async () => {
    flush = null;
    const m = await memory();
    const now = Date.now();
    for (const [t, o] of m) if (o.expires < now) m.delete(t);
    if (m.size > MAX_OFFERS) evictOffers(m);
    const listed = { [OFFERS_KEY]: Object.fromEntries(m) };
    await browser.storage.session.set(listed);
    // Firefox shows storage.session to extension pages but not to extension frames inside a web
    // page: there the frames read the list from storage.local (tokens only, gone within a minute).
    if (offersInLocal) await browser.storage.local.set(listed);
  });
  return flush;
}

/**
 * Down to MAX_OFFERS: the oldest offers of the tab holding the most go first, so one page making
 * loads at will cannot evict the offers other tabs' frames are about to claim (page review).
 */
function evictOffers(m: Map<string, Offer>): void {
  for (const [t] of evictFairly([...m], ([, o]) => o.tabId, m.size - MAX_OFFERS)) m.delete(t);
}

async function read(id: string): Promise<FrameSession | null> {
  const got = (await browser.storage.session.get(key(id)))[key(id)];
  return parseStored(FrameSessionSchema, got);
}

/** A new session for a content script of `tabId`, and its first offer. */
export async function openFrameSession(
  kind: FrameKind,
  tabId: number,
  now = Date.now(),
): Promise<{ session: string; offer: string }> {
  const id = randomId(18);
  await browser.storage.session.set({ [key(id)]: { kind, tabId, createdAt: now } satisfies FrameSession });
  return { session: id, offer: await offerFor(id, kind, tabId) };
}

async function offerFor(session: string, kind: FrameKind, tabId: number): Promise<string> {
  const token = randomId(18);
  const m = await memory();
  // One live offer per session: each load of the frame gets a fresh one and the earlier ones are
  // of documents that are gone (a page reloading a frame at will cannot pile offers up).
  for (const [t, o] of m) if (o.session === session) m.delete(t);
  m.set(token, { session, kind, tabId, expires: Date.now() + OFFER_TTL_MS });
  await persist();
  return token;
}

/** A fresh offer for a frame that loaded again (content script of the same tab only). */
export async function reoffer(session: string, tabId: number): Promise<string | null> {
  const s = await read(session);
  return s?.tabId === tabId ? offerFor(session, s.kind, tabId) : null;
}

/**
 * A frame claims an offer: it must be live, made for this tab and this kind of frame. The offer
 * is used up and the session is bound to the claiming frame. Returns the session id or null.
 */
export async function claimOffer(
  token: string,
  tabId: number,
  kind: FrameKind,
  frameId: number,
): Promise<string | null> {
  const m = await memory();
  const offer = m.get(token);
  m.delete(token); // one-time, whoever presents it
  void persist();
  if (offer === undefined || offer.expires < Date.now()) return null;
  if (offer.tabId !== tabId || offer.kind !== kind) return null;
  const s = await read(offer.session);
  if (s?.tabId !== tabId || s.kind !== kind) return null;
  boundHere.set(offer.session, frameId);
  await browser.storage.session.set({ [key(offer.session)]: { ...s, frameId } satisfies FrameSession });
  return offer.session;
}

/** The session if it exists and was made for this tab (content scripts: no frame binding involved). */
export async function sessionOfTab(id: string, tabId: number, kind: FrameKind): Promise<FrameSession | null> {
  const s = await read(id);
  return s?.tabId === tabId && s.kind === kind ? s : null;
}

/** True when `frameId` is the frame bound to the session (checked on every request a frame makes). */
export async function frameOwnsSession(
  id: string,
  tabId: number,
  frameId: number | null | undefined,
): Promise<boolean> {
  if (typeof frameId !== 'number') return false;
  const owner = boundHere.get(id);
  if (owner !== undefined) return owner === frameId;
  const session = await read(id);
  if (session?.tabId !== tabId || session.frameId === undefined) return false;
  boundHere.set(id, session.frameId);
  return session.frameId === frameId;
}

export async function closeFrameSession(id: string): Promise<void> {
  boundHere.delete(id);
  const m = await memory();
  let dropped = false;
  for (const [t, o] of m) if (o.session === id) dropped = m.delete(t);
  if (dropped) void persist();
  await browser.storage.session.remove(key(id));
}
