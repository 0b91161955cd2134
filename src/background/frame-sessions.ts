import browser from 'webextension-polyfill';

/**
 * Secure frames (editor, message view) are web-accessible, so a hostile page can load them
 * too. A frame is only served when it presents a session id that the background created
 * for a content script of the SAME tab (Mailvelope's create/join rule): pages can frame
 * our pages, but cannot make them show anything.
 */
export interface FrameSession {
  readonly kind: 'view' | 'editor';
  readonly tabId: number;
  readonly createdAt: number;
}

const key = (id: string) => `frame:${id}`;

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

/** The session if it exists, was made for this tab and for a frame of this kind. */
export async function joinFrameSession(id: string, tabId: number, kind: FrameSession['kind']): Promise<FrameSession | null> {
  const got = await browser.storage.session.get(key(id));
  const session = got[key(id)] as FrameSession | undefined;
  if (session?.tabId !== tabId || session.kind !== kind) return null;
  return session;
}
