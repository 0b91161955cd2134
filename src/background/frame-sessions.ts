import browser from 'webextension-polyfill';

/**
 * Secure frames (editor, message view) are web-accessible, so a hostile page can load them
 * too. A frame is only served when it presents a session id that the background created for a
 * content script of the SAME tab (Mailvelope's create/join rule). The id never appears in the
 * DOM: the content script hands it to the frame with postMessage (see content/dom.ts), so the
 * page cannot copy a genuine frame. On top of that, the first frame that joins a session owns
 * it (the browser-stamped frameId); any other frame presenting it is refused. A reload of the
 * same frame keeps its frameId, so a refresh still works.
 */
export interface FrameSession {
  readonly kind: 'view' | 'editor';
  readonly tabId: number;
  readonly createdAt: number;
  /** The frame that joined first; absent until then. */
  readonly frameId?: number;
}

const key = (id: string) => `frame:${id}`;

/** Sessions bound in this worker's lifetime: a synchronous check-and-set, so two racing joins cannot both win. */
const boundHere = new Map<string, number>();

function newSessionId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(18));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_');
}

export async function openFrameSession(kind: FrameSession['kind'], tabId: number, now = Date.now()): Promise<string> {
  const id = newSessionId();
  const session: FrameSession = { kind, tabId, createdAt: now };
  await browser.storage.session.set({ [key(id)]: session });
  return id;
}

async function read(id: string): Promise<FrameSession | null> {
  const got = await browser.storage.session.get(key(id));
  return (got[key(id)] as FrameSession | undefined) ?? null;
}

/**
 * The session if it exists, was made for this tab and for a frame of this kind, and (when a
 * frame asks) belongs to that frame: the first frame to join binds it.
 */
export async function joinFrameSession(id: string, tabId: number, kind: FrameSession['kind'], frameId: number | null = null): Promise<FrameSession | null> {
  let claimed = false;
  if (frameId !== null) {
    const owner = boundHere.get(id);
    if (owner !== undefined && owner !== frameId) return null;
    if (owner === undefined) {
      boundHere.set(id, frameId);
      claimed = true;
    }
  }
  const session = await read(id);
  if (session?.tabId !== tabId || session.kind !== kind) {
    if (claimed) boundHere.delete(id);
    return null;
  }
  if (frameId === null) return session;
  if (session.frameId !== undefined) {
    // Bound before this worker started (it may have been restarted): the stored owner decides.
    boundHere.set(id, session.frameId);
    return session.frameId === frameId ? session : null;
  }
  const bound = { ...session, frameId };
  await browser.storage.session.set({ [key(id)]: bound });
  return bound;
}

/** True when `frameId` is the frame that owns the session (for every request a frame makes after joining). */
export async function frameOwnsSession(id: string, tabId: number, frameId: number | null | undefined): Promise<boolean> {
  if (typeof frameId !== 'number') return false;
  const owner = boundHere.get(id);
  if (owner !== undefined) return owner === frameId;
  const session = await read(id);
  if (session?.tabId !== tabId || session.frameId === undefined) return false;
  boundHere.set(id, session.frameId);
  return session.frameId === frameId;
}
