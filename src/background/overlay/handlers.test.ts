/**
 * The overlay's handler map as the router calls it: content scripts get only public values
 * (sessions, offers, size classes), a frame gets plaintext only for the offer made for its tab and
 * bound to its frame id, and Mastodon's compose box is never a recipient list.
 */
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { KeyServices } from '../services';
import type { StatusApi } from '../publishing/status-api';
import {
  account,
  aliceServices,
  aliceToBob,
  content,
  editorFrame,
  must,
  STYLE,
  TAB,
  viewFrame,
  world,
} from './handler-fixture';

vi.mock('webextension-polyfill', async () => (await import('./handler-fixture')).polyfill);

const { createOverlayHandlers } = await import('./handlers');
const { MAX_IDLE_EDITORS_PER_TAB } = await import('./compose');

let hushText = '';

const services = (): KeyServices => aliceServices(() => ({ plaintext: 'the secret', messageId: '00' }));

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

/**
 * Handlers whose instance answers /conversations with conversation 1, its last status being
 * `inst.last` when the request arrives (by `author`, mentioning `mention`); requests are counted in
 * `inst.pages`, and `hold(page)` keeps an answer back.
 */
function conversationHandlers(
  inst: { last: { id: string; created_at: string }; pages: number },
  author: string,
  mention: string,
  hold: (page: number) => Promise<void> = () => Promise.resolve(),
) {
  const statusApi = {
    conversations: async () => {
      inst.pages++;
      const last = {
        ...inst.last,
        content: `<p>${hushText}</p>`,
        account: { acct: author },
        mentions: [{ acct: mention }],
      };
      await hold(inst.pages);
      return { ok: true as const, value: [{ id: '1', last }] };
    },
  } as unknown as StatusApi;
  return createOverlayHandlers({
    services: services(),
    accountOf: () => Promise.resolve(account),
    selfOf: () => Promise.resolve('bob@b.test'),
    token: () => Promise.resolve('token-123456'),
    now: () => Promise.resolve(1_800_000_100),
    statusApi,
  });
}

/** The status id the first view of a views-open reply was opened for (its stored session). */
const shownStatus = (out: { views: readonly object[] }): unknown => {
  const v = out.views[0];
  const session = v !== undefined && 'session' in v ? String(v.session) : '';
  return (world.session.m.get(`session:${session}`) as { state?: { seen?: { statusId?: string } } } | undefined)?.state
    ?.seen?.statusId;
};

beforeAll(async () => {
  [hushText = ''] = await aliceToBob('x');
});

beforeEach(() => {
  world.clear();
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

  it('replying to a message signed with a revoked key: the editor quotes none of its text and takes no recipients from it', async () => {
    let trust: 'verified' | 'revoked' = 'verified';
    const base = aliceServices(() => ({ plaintext: 'pay 100 to carol', messageId: '00' }));
    const { h } = handlers({
      services: {
        ...base,
        decrypt: async (a, req) => {
          const out = await base.decrypt(a, req);
          return out.ok ? { ...out, recipients: [{ actorUri: 'https://c.test/users/carol', fingerprint: 'ef' }] } : out;
        },
        senderTrust: (_a, s) => Promise.resolve({ kind: trust, acct: 'alice@a.test', fingerprint: s.fingerprint }),
      },
    });
    const out = must(await h['overlay/views-open']({ items: [item('111', hushText)] }, content));
    const { offer } = out.views[0] as { offer: string };
    must(await h['overlay/view-join']({ offer }, viewFrame(3)));
    const reply = async () => {
      const opened = must(
        await h['overlay/editor-open'](
          { replyToStatusId: '111', seedMentions: [], seedText: '', maxChars: 500, style: STYLE },
          content,
        ),
      );
      return must(await h['overlay/editor-join']({ offer: opened.offer }, editorFrame(5))).state;
    };
    const genuine = await reply();
    expect(genuine.replyTo).toMatchObject({ sender: 'alice@a.test', snippet: 'pay 100 to carol' });
    expect(genuine.status.recipients.length).toBeGreaterThan(0);
    trust = 'revoked'; // the key is revoked as compromised: the message is not authentic
    const revoked = await reply();
    expect(revoked.replyTo).toMatchObject({ sender: 'alice@a.test', snippet: null });
    expect(revoked.status.recipients).toEqual([]);
    expect(JSON.stringify(revoked)).not.toContain('pay 100');
  });

  it('forms the page draws close only untouched editors: the one the user wrote in keeps its draft', async () => {
    const { h } = handlers();
    const open = () =>
      h['overlay/editor-open'](
        { replyToStatusId: null, seedMentions: [], seedText: 'seed', maxChars: 500, style: STYLE },
        content,
      );
    const mine = must(await open());
    must(await h['overlay/editor-join']({ offer: mine.offer }, editorFrame(5)));
    must(
      await h['overlay/editor-draft'](
        { session: mine.session, text: 'half a sentence', recipients: [] },
        editorFrame(5),
      ),
    );
    const idle = must(await open());
    for (let i = 0; i < 3 * MAX_IDLE_EDITORS_PER_TAB; i++) must(await open());
    // The untouched one is closed; the user's draft is still there for its frame when it loads again.
    expect(await h['frame/reoffer']({ session: idle.session }, content)).toMatchObject({ ok: false });
    const { offer } = must(await h['frame/reoffer']({ session: mine.session }, content));
    expect(must(await h['overlay/editor-join']({ offer }, editorFrame(5))).state.text).toBe('half a sentence');
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
    const inst = { last: { id: '90', created_at: new Date(t1 * 1000).toISOString() }, pages: 0 };
    const h = conversationHandlers(inst, 'alice@a.test', 'bob@b.test');
    const entryAt = (serverTime: number) => ({ ...item('c1', hushText), context: 'conversation' as const, serverTime });
    expect(shownStatus(must(await h['overlay/views-open']({ items: [entryAt(t1)] }, content)))).toBe('90');
    // The same entry again, same date: the cached answer serves it.
    expect(shownStatus(must(await h['overlay/views-open']({ items: [entryAt(t1)] }, content)))).toBe('90');
    expect(inst.pages).toBe(1);
    // The server re-delivers the old message as the conversation's newest status: same text, a later date.
    inst.last = { id: '95', created_at: new Date((t1 + 60) * 1000).toISOString() };
    expect(shownStatus(must(await h['overlay/views-open']({ items: [entryAt(t1 + 60)] }, content)))).toBe('95');
    expect(inst.pages).toBe(2);
  });

  it('a replay posted within the same second as its original is told apart by the milliseconds the entry shows (#21.5)', async () => {
    const t1 = 1_800_000_000_015;
    const inst = { last: { id: '90', created_at: new Date(t1).toISOString() }, pages: 0 };
    const h = conversationHandlers(inst, 'bob', 'alice@a.test');
    const entryAt = (ms: number) => ({
      ...item('c1', hushText),
      context: 'conversation' as const,
      serverTime: Math.floor(ms / 1000),
      serverTimeMs: ms,
    });
    expect(shownStatus(must(await h['overlay/views-open']({ items: [entryAt(t1)] }, content)))).toBe('90');
    expect(shownStatus(must(await h['overlay/views-open']({ items: [entryAt(t1)] }, content)))).toBe('90');
    expect(inst.pages).toBe(1);
    // The replay lands 3 ms later, within the same second: the cached answer must not name it.
    inst.last = { id: '95', created_at: new Date(t1 + 3).toISOString() };
    expect(shownStatus(must(await h['overlay/views-open']({ items: [entryAt(t1 + 3)] }, content)))).toBe('95');
    expect(inst.pages).toBe(2);
  });

  it("an entry reported while an older request for the conversations is in flight is asked again when that answer names an older status: a replay of the user's own message is no genuine original (#21.5)", async () => {
    const t1 = 1_800_000_000;
    const inst = { last: { id: '90', created_at: new Date(t1 * 1000).toISOString() }, pages: 0 };
    let release: () => void = () => undefined;
    // The first request is answered with what the instance held when it arrived, later (a loaded machine).
    const h = conversationHandlers(inst, 'bob', 'alice@a.test', (page) =>
      page === 1 ? new Promise<void>((r) => (release = r)) : Promise.resolve(),
    );
    const entryAt = (serverTime: number) => ({ ...item('c1', hushText), context: 'conversation' as const, serverTime });
    // The entry as first drawn starts a request, which the instance answers with the status then last.
    const first = h['overlay/views-open']({ items: [entryAt(t1)] }, content);
    await vi.waitFor(() => expect(inst.pages).toBe(1));
    // Meanwhile the server re-delivers the message as the newest status and the page draws it.
    inst.last = { id: '95', created_at: new Date((t1 + 60) * 1000).toISOString() };
    const second = h['overlay/views-open']({ items: [entryAt(t1 + 60)] }, content);
    await new Promise((r) => setTimeout(r, 20));
    release();
    expect(shownStatus(must(await first))).toBe('90');
    expect(shownStatus(must(await second))).toBe('95');
    expect(inst.pages).toBe(2);
  });
});
