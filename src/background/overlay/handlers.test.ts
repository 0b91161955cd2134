/**
 * The overlay's handler map as the router calls it: content scripts get only public values
 * (sessions, offers, size classes), a frame gets plaintext only for the offer made for its tab and
 * bound to its frame id, and Mastodon's compose box is never a recipient list.
 */
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { FrameStyle } from '../../messaging/overlay-messages';
import type { Reply } from '../../messaging/result';
import type { SenderContext } from '../senders';
import type { DecryptOutcome, KeyServices } from '../services';
import type { StatusApi } from '../publishing/status-api';

/** In-memory storage areas and the pushes sent to tabs: the outside world of the handlers. */
const world = vi.hoisted(() => {
  const area = () => {
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
  };
  return {
    local: area(),
    session: area(),
    pushes: [] as { tabId: number; message: unknown; frameId: number | undefined }[],
  };
});

vi.mock('webextension-polyfill', () => ({
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
}));

const { createOverlayHandlers } = await import('./handlers');

const STYLE: FrameStyle = {
  color: '#000000',
  background: '#ffffff',
  link: '#0000ee',
  fontFamily: 'sans-serif',
  fontSizePx: 15,
  lineHeightPx: 22,
  dark: false,
};
const TAB = 7;
const content: SenderContext = { kind: 'content', tabId: TAB, origin: 'https://b.test', path: '/home', frameId: 0 };
const viewFrame = (frameId: number, tabId = TAB): SenderContext => ({
  kind: 'frame',
  tabId,
  origin: 'chrome-extension://hush',
  path: '/frames/view.html',
  frameId,
});
const editorFrame = (frameId: number): SenderContext => ({
  kind: 'frame',
  tabId: TAB,
  origin: 'chrome-extension://hush',
  path: '/frames/editor.html',
  frameId,
});
const account = { origin: 'https://b.test', accountId: '1' };

const SENDER = { actorUri: 'https://a.test/users/alice', fingerprint: 'abcd' };
let hushText = '';

function services(): KeyServices & { decrypted: string[] } {
  const decrypted: string[] = [];
  return {
    decrypted,
    checkRecipients: () => Promise.resolve({ account: 'ready' as const, recipients: [] }),
    encrypt: () => Promise.reject(new Error('not in these tests')),
    decrypt: (_a, req): Promise<DecryptOutcome> => {
      decrypted.push(req.chunks.map((c) => c.text).join(''));
      return Promise.resolve({
        ok: true,
        plaintext: 'the secret',
        sender: SENDER,
        recipients: [],
        messageId: '00',
        replyTo: null,
        createdAt: 1_800_000_000,
      });
    },
    senderTrust: (_a, s) =>
      Promise.resolve({ kind: 'verified' as const, acct: 'alice@a.test', fingerprint: s.fingerprint }),
    handlesOf: (_a, u) => Promise.resolve(u.map(() => 'alice@a.test')),
    sealLocal: (_a, d) => Promise.resolve(d),
    openLocal: (_a, d) => Promise.resolve(d),
    searchAccounts: () => Promise.resolve([]),
    contactList: () => Promise.resolve([]),
  };
}

function handlers(over: { services?: KeyServices } = {}) {
  const h = createOverlayHandlers({
    services: over.services ?? services(),
    accountOf: (s) => Promise.resolve(s.tabId === TAB ? account : null),
    selfOf: (s) => Promise.resolve(s.tabId === TAB ? 'bob@b.test' : null),
    token: () => Promise.resolve(null),
    now: () => Promise.resolve(1_800_000_100),
  });
  return { h };
}

const item = (statusId: string, text: string) => ({
  statusId,
  context: 'status' as const,
  author: 'alice@a.test',
  participants: [],
  mentions: ['bob@b.test'],
  text,
  serverTime: null,
  extras: { cw: false, media: false, card: false },
  style: STYLE,
});

/** A handler's value; a failure reply (the only replies with `ok`) fails the test with its code. */
function must<T extends object>(x: T | Reply<never>): T {
  if ('ok' in x) throw new Error(`refused: ${JSON.stringify(x)}`);
  return x;
}

beforeAll(async () => {
  const { init, encryptMessage } = await import('../../protocol/index');
  const { ALICE, BOB, live, mentionOf, NOW } = await import('../../../test/vectors/fixtures');
  await init();
  const r = encryptMessage({
    sender: { identity: live(ALICE).identity, chain: live(ALICE).chain },
    recipients: [live(BOB).key],
    plaintext: 'x',
    now: NOW,
    statusBudget: { mentionText: `${mentionOf(BOB)} ` },
  });
  if (!r.ok) throw new Error(r.reason);
  hushText = r.value.statuses[0] ?? '';
});

beforeEach(() => {
  world.local.m.clear();
  world.session.m.clear();
  world.pushes.length = 0;
});

describe('overlay handlers', () => {
  it('a content script gets a session, an offer and a size class for a Hush status, never the plaintext; other text is refused', async () => {
    const { h } = handlers();
    const out = must(
      await h['overlay/views-open']({ items: [item('111', hushText), item('112', 'plain words')] }, content),
    );
    const [view, plain] = out.views;
    expect(view).toMatchObject({ session: expect.any(String), offer: expect.any(String), role: 'message', part: null });
    expect([0, 1, 2, 3]).toContain((view as { size: number }).size);
    expect(plain).toEqual({ error: 'not_hush' });
    expect(JSON.stringify(out)).not.toContain('the secret');
  });

  it('the view frame that claims the offer reads the message; the offer works once, and only for its tab and kind', async () => {
    const { h } = handlers();
    const out = must(await h['overlay/views-open']({ items: [item('111', hushText)] }, content));
    const { offer: first, session } = out.views[0] as { offer: string; session: string };
    // An editor frame may not join a view at all; another tab's frame cannot use the offer, and
    // presenting it used it up (one-time, whoever presents it): the content script re-offers.
    expect(await h['overlay/view-join']({ offer: first }, editorFrame(3))).toMatchObject({
      ok: false,
      error: { code: 'forbidden_sender' },
    });
    expect(await h['overlay/view-join']({ offer: first }, viewFrame(3, TAB + 1))).toMatchObject({
      ok: false,
      error: { code: 'no_session' },
    });
    expect(await h['overlay/view-join']({ offer: first }, viewFrame(3))).toMatchObject({
      ok: false,
      error: { code: 'no_session' },
    });
    const { offer } = must(await h['frame/reoffer']({ session }, content));
    const joined = must(await h['overlay/view-join']({ offer }, viewFrame(3)));
    expect(joined).toMatchObject({
      session,
      view: { state: 'message', plaintext: 'the secret', sender: { trust: 'verified' } },
      style: STYLE,
    });
    // Used up: a second frame (the page reloading or framing it again) gets nothing.
    expect(await h['overlay/view-join']({ offer }, viewFrame(4))).toMatchObject({
      ok: false,
      error: { code: 'no_session' },
    });
    // Only the bound frame may ask again.
    expect(await h['overlay/view-get']({ session }, viewFrame(4))).toMatchObject({
      ok: false,
      error: { code: 'no_session' },
    });
    expect(await h['overlay/view-get']({ session }, viewFrame(3))).toMatchObject({ view: { plaintext: 'the secret' } });
  });

  it('a click in the view is pushed to the top frame of its own tab only', async () => {
    const { h } = handlers();
    const out = must(await h['overlay/views-open']({ items: [item('111', hushText)] }, content));
    const { offer, session } = out.views[0] as { offer: string; session: string };
    await h['overlay/view-join']({ offer }, viewFrame(3));
    expect(await h['overlay/view-activate']({ session }, viewFrame(3))).toEqual({ done: true });
    expect(world.pushes).toEqual([
      { tabId: TAB, frameId: 0, message: { type: 'hush/overlay-push', kind: 'view-activate', session } },
    ]);
  });

  it('re-offers go only to the tab that owns the session', async () => {
    const { h } = handlers();
    const out = must(await h['overlay/views-open']({ items: [item('111', hushText)] }, content));
    const { session, offer } = out.views[0] as { offer: string; session: string };
    const again = await h['frame/reoffer']({ session }, content);
    expect(again).toMatchObject({ offer: expect.any(String) });
    expect((again as { offer: string }).offer).not.toBe(offer);
    expect(await h['frame/reoffer']({ session }, { ...content, tabId: TAB + 1 })).toMatchObject({
      ok: false,
      error: { code: 'no_session' },
    });
    expect(await h['frame/reoffer']({ session }, { ...content, tabId: null })).toMatchObject({
      ok: false,
      error: { code: 'forbidden_sender' },
    });
  });

  it("Mastodon's compose box seeds suggestions only: the editor opens with no recipient the page named", async () => {
    const { h } = handlers();
    const opened = must(
      await h['overlay/editor-open'](
        {
          replyToStatusId: null,
          seedMentions: ['@carol@a.test'],
          seedText: '@carol@a.test hello',
          maxChars: 500,
          style: STYLE,
        },
        content,
      ),
    );
    const joined = must(await h['overlay/editor-join']({ offer: opened.offer }, editorFrame(5)));
    expect(joined.state.status.recipients).toEqual([]);
    expect(joined.state.status.suggested).toContain('carol@a.test');
    expect(joined.state.text).toBe('');
  });

  it('a tab without a signed-in account opens nothing', async () => {
    const { h } = handlers();
    const other = { ...content, tabId: TAB + 1 };
    expect(await h['overlay/views-open']({ items: [item('111', hushText)] }, other)).toMatchObject({
      ok: false,
      error: { code: 'forbidden_sender' },
    });
    expect(
      await h['overlay/editor-open'](
        { replyToStatusId: null, seedMentions: [], seedText: '', maxChars: 500, style: STYLE },
        other,
      ),
    ).toMatchObject({ ok: false, error: { code: 'forbidden_sender' } });
  });

  it('a batch of DM-column entries asks the instance for the conversations once, not once per entry', async () => {
    let tokens = 0;
    let pages = 0;
    const statusApi = {
      conversations: async () => {
        pages++;
        await new Promise((r) => setTimeout(r, 5));
        return {
          ok: true as const,
          value: Array.from({ length: 8 }, (_, i) => ({
            id: String(i),
            last: {
              id: `9${i}`,
              content: `<p>${hushText}</p>`,
              account: { acct: 'alice@a.test' },
              mentions: [{ acct: 'bob@b.test' }],
            },
          })),
        };
      },
    } as unknown as StatusApi;
    const h = createOverlayHandlers({
      services: services(),
      accountOf: () => Promise.resolve(account),
      selfOf: () => Promise.resolve('bob@b.test'),
      token: () => {
        tokens++;
        return Promise.resolve('token-123456');
      },
      now: () => Promise.resolve(1_800_000_100),
      statusApi,
    });
    const entries = Array.from({ length: 8 }, (_, i) => ({
      ...item(`c${i}`, hushText),
      context: 'conversation' as const,
    }));
    const out = must(await h['overlay/views-open']({ items: entries }, content));
    expect(out.views.every((v) => 'session' in v)).toBe(true);
    expect({ tokens, pages }).toEqual({ tokens: 1, pages: 1 });
    // Within the cache's life, known entries ask nothing more.
    must(await h['overlay/views-open']({ items: entries.slice(0, 2) }, content));
    expect({ tokens, pages }).toEqual({ tokens: 1, pages: 1 });
  });

  it('an entry showing a newer last status than the cached one is asked again: a re-delivered old message is not taken for the status it copies (#21.5)', async () => {
    const t1 = 1_800_000_000;
    let last = { id: '90', created_at: new Date(t1 * 1000).toISOString() };
    let pages = 0;
    const statusApi = {
      conversations: () => {
        pages++;
        return Promise.resolve({
          ok: true as const,
          value: [
            {
              id: '1',
              last: {
                ...last,
                content: `<p>${hushText}</p>`,
                account: { acct: 'alice@a.test' },
                mentions: [{ acct: 'bob@b.test' }],
              },
            },
          ],
        });
      },
    } as unknown as StatusApi;
    const h = createOverlayHandlers({
      services: services(),
      accountOf: () => Promise.resolve(account),
      selfOf: () => Promise.resolve('bob@b.test'),
      token: () => Promise.resolve('token-123456'),
      now: () => Promise.resolve(1_800_000_100),
      statusApi,
    });
    const entryAt = (serverTime: number) => ({ ...item('c1', hushText), context: 'conversation' as const, serverTime });
    const shownStatus = (out: { views: readonly object[] }): unknown => {
      const v = out.views[0];
      const session = v !== undefined && 'session' in v ? String(v.session) : '';
      return (world.session.m.get(`session:${session}`) as { state?: { seen?: { statusId?: string } } } | undefined)
        ?.state?.seen?.statusId;
    };
    expect(shownStatus(must(await h['overlay/views-open']({ items: [entryAt(t1)] }, content)))).toBe('90');
    // The same entry again, same date: the cached answer serves it.
    expect(shownStatus(must(await h['overlay/views-open']({ items: [entryAt(t1)] }, content)))).toBe('90');
    expect(pages).toBe(1);
    // The server re-delivers the old message as the conversation's newest status: same text, a later date.
    last = { id: '95', created_at: new Date((t1 + 60) * 1000).toISOString() };
    expect(shownStatus(must(await h['overlay/views-open']({ items: [entryAt(t1 + 60)] }, content)))).toBe('95');
    expect(pages).toBe(2);
  });

  it('a replay posted within the same second as its original is told apart by the milliseconds the entry shows (#21.5)', async () => {
    const t1 = 1_800_000_000_015;
    let last = { id: '90', created_at: new Date(t1).toISOString() };
    let pages = 0;
    const statusApi = {
      conversations: () => {
        pages++;
        return Promise.resolve({
          ok: true as const,
          value: [
            {
              id: '1',
              last: {
                ...last,
                content: `<p>${hushText}</p>`,
                account: { acct: 'bob' },
                mentions: [{ acct: 'alice@a.test' }],
              },
            },
          ],
        });
      },
    } as unknown as StatusApi;
    const h = createOverlayHandlers({
      services: services(),
      accountOf: () => Promise.resolve(account),
      selfOf: () => Promise.resolve('bob@b.test'),
      token: () => Promise.resolve('token-123456'),
      now: () => Promise.resolve(1_800_000_100),
      statusApi,
    });
    const entryAt = (ms: number) => ({
      ...item('c1', hushText),
      context: 'conversation' as const,
      serverTime: Math.floor(ms / 1000),
      serverTimeMs: ms,
    });
    const shownStatus = (out: { views: readonly object[] }): unknown => {
      const v = out.views[0];
      const session = v !== undefined && 'session' in v ? String(v.session) : '';
      return (world.session.m.get(`session:${session}`) as { state?: { seen?: { statusId?: string } } } | undefined)
        ?.state?.seen?.statusId;
    };
    expect(shownStatus(must(await h['overlay/views-open']({ items: [entryAt(t1)] }, content)))).toBe('90');
    expect(shownStatus(must(await h['overlay/views-open']({ items: [entryAt(t1)] }, content)))).toBe('90');
    expect(pages).toBe(1);
    // The replay lands 3 ms later, within the same second: the cached answer must not name it.
    last = { id: '95', created_at: new Date(t1 + 3).toISOString() };
    expect(shownStatus(must(await h['overlay/views-open']({ items: [entryAt(t1 + 3)] }, content)))).toBe('95');
    expect(pages).toBe(2);
  });

  it("an entry reported while an older request for the conversations is in flight is asked again when that answer names an older status: a replay of the user's own message is no genuine original (#21.5)", async () => {
    const t1 = 1_800_000_000;
    let last = { id: '90', created_at: new Date(t1 * 1000).toISOString() };
    let pages = 0;
    let release: () => void = () => undefined;
    const statusApi = {
      conversations: async () => {
        pages++;
        // What the instance holds when the request arrives, answered later (a loaded machine).
        const answer = {
          ok: true as const,
          value: [
            {
              id: '1',
              last: {
                ...last,
                content: `<p>${hushText}</p>`,
                account: { acct: 'bob' },
                mentions: [{ acct: 'alice@a.test' }],
              },
            },
          ],
        };
        if (pages === 1) await new Promise<void>((r) => (release = r));
        return answer;
      },
    } as unknown as StatusApi;
    const h = createOverlayHandlers({
      services: services(),
      accountOf: () => Promise.resolve(account),
      selfOf: () => Promise.resolve('bob@b.test'),
      token: () => Promise.resolve('token-123456'),
      now: () => Promise.resolve(1_800_000_100),
      statusApi,
    });
    const entryAt = (serverTime: number) => ({ ...item('c1', hushText), context: 'conversation' as const, serverTime });
    const shownStatus = (out: { views: readonly object[] }): unknown => {
      const v = out.views[0];
      const session = v !== undefined && 'session' in v ? String(v.session) : '';
      return (world.session.m.get(`session:${session}`) as { state?: { seen?: { statusId?: string } } } | undefined)
        ?.state?.seen?.statusId;
    };
    // The entry as first drawn starts a request, which the instance answers with the status then last.
    const first = h['overlay/views-open']({ items: [entryAt(t1)] }, content);
    await vi.waitFor(() => expect(pages).toBe(1));
    // Meanwhile the server re-delivers the message as the newest status and the page draws it.
    last = { id: '95', created_at: new Date((t1 + 60) * 1000).toISOString() };
    const second = h['overlay/views-open']({ items: [entryAt(t1 + 60)] }, content);
    await new Promise((r) => setTimeout(r, 20));
    release();
    expect(shownStatus(must(await first))).toBe('90');
    expect(shownStatus(must(await second))).toBe('95');
    expect(pages).toBe(2);
  });
});
