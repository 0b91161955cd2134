/**
 * Test helper (used by *.test.ts only): the outside world of the overlay handlers in memory, as
 * handlers.test.ts and dm-column-review.test.ts drive them. A test file mocks the polyfill with
 * `vi.mock('webextension-polyfill', async () => (await import('./handler-fixture')).polyfill)` and
 * imports the handlers after it; `world` is then the storage the handlers write and the pushes
 * they send (one module instance per test file).
 */
import type { FrameStyle } from '../../messaging/overlay-messages';
import type { Reply } from '../../messaging/result';
import type { SenderContext } from '../senders';
import type { KeyServices } from '../services';

/** A storage area over a Map, copying values in and out as the browser does. */
function memoryArea() {
  const m = new Map<string, unknown>();
  return {
    m,
    get: (keys?: string | string[] | null) => {
      const list = keys === undefined || keys === null ? [...m.keys()] : typeof keys === 'string' ? [keys] : keys;
      return Promise.resolve(
        Object.fromEntries(list.filter((k) => m.has(k)).map((k) => [k, structuredClone(m.get(k))])),
      );
    },
    set: (items: Record<string, unknown>) => {
      for (const [k, v] of Object.entries(items)) m.set(k, structuredClone(v));
      return Promise.resolve();
    },
    remove: (keys: string | string[]) => {
      for (const k of typeof keys === 'string' ? [keys] : keys) m.delete(k);
      return Promise.resolve();
    },
  };
}

/** In-memory storage areas and the pushes sent to tabs: the outside world of the handlers. */
export const world = {
  local: memoryArea(),
  session: memoryArea(),
  pushes: [] as { tabId: number; message: unknown; frameId: number | undefined }[],
  /** Empties both areas and the pushes (a test's beforeEach). */
  clear(): void {
    this.local.m.clear();
    this.session.m.clear();
    this.pushes.length = 0;
  },
};

/** The webextension-polyfill module as the handlers use it, over `world`. */
export const polyfill = {
  default: {
    runtime: {},
    storage: { local: world.local, session: world.session },
    tabs: {
      sendMessage: (tabId: number, message: unknown, options?: { frameId?: number }) => {
        world.pushes.push({ tabId, message, frameId: options?.frameId });
        return Promise.resolve();
      },
    },
  },
};

export const STYLE: FrameStyle = {
  color: '#000000',
  background: '#ffffff',
  link: '#0000ee',
  fontFamily: 'sans-serif',
  fontSizePx: 15,
  lineHeightPx: 22,
  dark: false,
};
export const TAB = 7;
export const content: SenderContext = {
  kind: 'content',
  tabId: TAB,
  origin: 'https://b.test',
  path: '/home',
  frameId: 0,
};
const frameOf = (path: string, frameId: number, tabId: number): SenderContext => ({
  kind: 'frame',
  tabId,
  origin: 'chrome-extension://hush',
  path,
  frameId,
});
export const viewFrame = (frameId: number, tabId = TAB): SenderContext => frameOf('/frames/view.html', frameId, tabId);
export const editorFrame = (frameId: number): SenderContext => frameOf('/frames/editor.html', frameId, TAB);
/** bob's account, signed in in tab TAB. */
export const account = { origin: 'https://b.test', accountId: '1' };

/** A handler's value; a failure reply (the only replies with `ok`) fails the test with its code. */
export function must<T extends object>(x: T | Reply<never>): T {
  if ('ok' in x) throw new Error(`refused: ${JSON.stringify(x)}`);
  return x;
}

/** Real Hush status texts alice sends bob, one per plaintext (each message's first status). */
export async function aliceToBob(...plaintexts: string[]): Promise<string[]> {
  const { init, encryptMessage } = await import('../../protocol/index');
  const { ALICE, BOB, live, mentionOf, NOW } = await import('../../../test/vectors/fixtures');
  await init();
  return plaintexts.map((plaintext) => {
    const r = encryptMessage({
      sender: { identity: live(ALICE).identity, chain: live(ALICE).chain },
      recipients: [live(BOB).key],
      plaintext,
      now: NOW,
      statusBudget: { mentionText: `${mentionOf(BOB)} ` },
    });
    if (!r.ok) throw new Error(r.reason);
    return r.value.statuses[0] ?? '';
  });
}

/**
 * Key services for which every Hush text is a message from alice, verified; `open(text)` says what
 * it holds (the text of all its statuses joined). Nothing is encrypted here.
 */
export function aliceServices(open: (text: string) => { plaintext: string; messageId: string }): KeyServices {
  return {
    checkRecipients: () => Promise.resolve({ account: 'ready' as const, recipients: [] }),
    encrypt: () => Promise.reject(new Error('not in these tests')),
    decrypt: (_a, req) =>
      Promise.resolve({
        ok: true,
        ...open(req.chunks.map((c) => c.text).join('')),
        sender: { actorUri: 'https://a.test/users/alice', fingerprint: 'abcd' },
        recipients: [],
        replyTo: null,
        createdAt: 1_800_000_000,
      }),
    senderTrust: (_a, s) =>
      Promise.resolve({ kind: 'verified' as const, acct: 'alice@a.test', fingerprint: s.fingerprint }),
    handlesOf: (_a, u) => Promise.resolve(u.map(() => 'alice@a.test')),
    sealLocal: (_a, d) => Promise.resolve(d),
    openLocal: (_a, d) => Promise.resolve(d),
    searchAccounts: () => Promise.resolve([]),
    contactList: () => Promise.resolve([]),
  };
}
