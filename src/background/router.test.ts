import { describe, expect, it, vi } from 'vitest';
import { createRouter, type Handlers } from './router';

const EXT_ID = 'abcdefghijklmnop';
const ORIGIN = `chrome-extension://${EXT_ID}`;
const content = { id: EXT_ID, url: 'https://mastodon.example/home', frameId: 0, tab: { id: 4 } };
const popup = { id: EXT_ID, url: `${ORIGIN}/popup.html` };
const frame = { id: EXT_ID, url: `${ORIGIN}/frames/view.html?s=xyz`, frameId: 3, tab: { id: 4 } };

// Only the core handlers: feature areas merge more types into Handlers, which routing does not depend on.
function handlers(): Handlers {
  const core: Partial<Handlers> = {
    ping: vi.fn(() => Promise.resolve({ version: '1.0.0', sodium: { ready: true, version: '1.0.22', error: null } })),
    'page/detected': vi.fn(() => Promise.resolve({ accepted: true as const })),
    'popup/tab-state': vi.fn(() => Promise.resolve({ state: null })),
    'frame/reoffer': vi.fn(() => Promise.resolve({ offer: 'o'.repeat(24) })),
    'diagnostics/get': vi.fn(() => Promise.resolve({ entries: [] })),
  };
  return core as Handlers;
}

const page = { domain: 'mastodon.example', version: '4.8.0', generation: '4.5', account: null };

describe('background router', () => {
  it('answers a valid ping with its typed reply', async () => {
    const route = createRouter(handlers(), EXT_ID, ORIGIN);
    expect(await route({ type: 'ping', payload: {} }, popup)).toEqual({
      ok: true,
      value: { version: '1.0.0', sodium: { ready: true, version: '1.0.22', error: null } },
    });
  });

  it.each([
    ['a number', 42],
    ['null', null],
    ['no payload', { type: 'ping' }],
    ['extra envelope keys', { type: 'ping', payload: {}, extra: 1 }],
    ['payload with extra keys', { type: 'ping', payload: { x: 1 } }],
    ['wrong payload shape', { type: 'page/detected', payload: { ...page, version: 5 } }],
    ['unknown generation', { type: 'page/detected', payload: { ...page, generation: '9.9' } }],
  ])('gives a typed bad_request error for %s, without calling a handler', async (_n, msg) => {
    const h = handlers();
    const route = createRouter(h, EXT_ID, ORIGIN);
    const reply = await route(msg, content);
    expect(reply).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(h['page/detected']).not.toHaveBeenCalled();
    expect(h.ping).not.toHaveBeenCalled();
  });

  it('gives unknown_type for an unknown message type, including prototype keys', async () => {
    const route = createRouter(handlers(), EXT_ID, ORIGIN);
    for (const type of ['nope', '__proto__', 'constructor', 'toString']) {
      expect(await route({ type, payload: {} }, popup)).toMatchObject({ ok: false, error: { code: 'unknown_type' } });
    }
  });

  it('refuses messages from senders not allowed to send them', async () => {
    const h = handlers();
    const route = createRouter(h, EXT_ID, ORIGIN);
    expect(await route({ type: 'page/detected', payload: page }, popup)).toMatchObject({
      ok: false,
      error: { code: 'forbidden_sender' },
    });
    expect(await route({ type: 'popup/tab-state', payload: { tabId: 1 } }, content)).toMatchObject({
      ok: false,
      error: { code: 'forbidden_sender' },
    });
    // A frame cannot ask for offers: only the content script that inserted it can.
    expect(await route({ type: 'frame/reoffer', payload: { session: 's'.repeat(24) } }, frame)).toMatchObject({
      ok: false,
      error: { code: 'forbidden_sender' },
    });
    expect(h['frame/reoffer']).not.toHaveBeenCalled();
    expect(h['page/detected']).not.toHaveBeenCalled();
  });

  it('refuses senders it cannot place: other extensions, sub-frames, tab-less frames', async () => {
    const route = createRouter(handlers(), EXT_ID, ORIGIN);
    const msg = { type: 'ping', payload: {} };
    for (const s of [
      { ...content, id: 'other' },
      { ...content, frameId: 2 },
      { ...frame, tab: undefined },
      { ...frame, frameId: 0 },
      { ...frame, frameId: undefined },
      { ...content, url: 'file:///x' },
      {},
    ]) {
      expect(await route(msg, s)).toMatchObject({ ok: false, error: { code: 'forbidden_sender' } });
    }
  });

  it('passes the browser-stamped origin and tab to handlers, not anything from the payload', async () => {
    const h = handlers();
    const route = createRouter(h, EXT_ID, ORIGIN);
    await route({ type: 'page/detected', payload: page }, content);
    expect(h['page/detected']).toHaveBeenCalledWith(page, {
      kind: 'content',
      tabId: 4,
      origin: 'https://mastodon.example',
      path: '/home',
      frameId: 0,
    });
  });

  it('turns a throwing handler into an internal error reply', async () => {
    const h = handlers();
    h.ping = () => Promise.reject(new Error('boom'));
    const route = createRouter(h, EXT_ID, ORIGIN);
    expect(await route({ type: 'ping', payload: {} }, popup)).toMatchObject({ ok: false, error: { code: 'internal' } });
  });
});
