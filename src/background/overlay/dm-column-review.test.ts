/**
 * Server-side review (attack-server branch): the DM column's entries are resolved to a status
 * through the conversations API, cached 10 s. Real overlay handlers and Reader, fake KeyServices
 * and instance API (the harness is handlers.test.ts's). Asserts the SECURE behaviour; it failed on
 * the reviewed code and passes since an entry is named only by a status carrying its text. No
 * false alarms: two genuine messages in quick succession in one conversation.
 */
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { FrameStyle } from '../../messaging/overlay-messages';
import type { Reply } from '../../messaging/result';
import type { SenderContext } from '../senders';
import type { DecryptOutcome, KeyServices } from '../services';
import type { StatusApi, StatusJson } from '../publishing/status-api';

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
const account = { origin: 'https://b.test', accountId: '1' };

/** A handler's value; a failure reply (the only replies with `ok`) fails the test with its code. */
function must<T extends object>(x: T | Reply<never>): T {
  if ('ok' in x) throw new Error(`refused: ${JSON.stringify(x)}`);
  return x;
}

const X = { actorUri: 'https://a.test/users/alice', fingerprint: 'abcd' };
let first = '';
let second = '';

function services(): KeyServices {
  return {
    checkRecipients: () => Promise.resolve({ account: 'ready' as const, recipients: [] }),
    encrypt: () => Promise.reject(new Error('unused')),
    decrypt: (_a, req): Promise<DecryptOutcome> => {
      const t = req.chunks[0]?.text ?? '';
      return Promise.resolve({
        ok: true,
        plaintext: t === first ? 'first message' : 'second message',
        sender: X,
        recipients: [],
        messageId: t === first ? '01' : '02',
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

beforeAll(async () => {
  const { init, encryptMessage } = await import('../../protocol/index');
  const { ALICE, BOB, live, mentionOf, NOW } = await import('../../../test/vectors/fixtures');
  await init();
  const make = (p: string): string => {
    const r = encryptMessage({
      sender: { identity: live(ALICE).identity, chain: live(ALICE).chain },
      recipients: [live(BOB).key],
      plaintext: p,
      now: NOW,
      statusBudget: { mentionText: `${mentionOf(BOB)} ` },
    });
    if (!r.ok) throw new Error(r.reason);
    return r.value.statuses[0] ?? '';
  };
  first = make('one');
  second = make('two');
});

beforeEach(() => {
  world.local.m.clear();
  world.session.m.clear();
});

const entry = (text: string) => ({
  statusId: 'c9',
  context: 'conversation' as const,
  author: 'alice@a.test',
  participants: ['alice@a.test'],
  mentions: ['bob@b.test'],
  text,
  serverTime: null,
  extras: { cw: false, media: false, card: false },
  style: STYLE,
});

describe('review (server): the DM column', () => {
  it('F-dm-cache: a second genuine message arriving in a conversation within 10 s is not flagged "replaced" in the DM column', async () => {
    // The instance (honest here) answers /conversations with the conversation's current last status.
    let last = { id: '100', text: '' };
    const status = (id: string): StatusJson => ({
      id,
      visibility: 'direct',
      in_reply_to_id: null,
      content: '',
      spoiler_text: '',
      mentions: [{ id: '1', acct: 'bob', url: null }],
      media_attachments: [],
      poll: null,
      account: { id: '5', acct: 'alice@a.test' },
    });
    const statusApi = {
      conversations: () => Promise.resolve({ ok: true as const, value: [{ id: '9', last: status(last.id) }] }),
      get: () => Promise.resolve({ ok: false as const, kind: 'network' as const, message: 'unused' }),
    } as unknown as StatusApi;
    const h = createOverlayHandlers({
      services: services(),
      statusApi,
      accountOf: (s) => Promise.resolve(s.tabId === TAB ? account : null),
      selfOf: (s) => Promise.resolve(s.tabId === TAB ? 'bob@b.test' : null),
      token: () => Promise.resolve('tok'),
      now: () => Promise.resolve(1_800_000_100),
    });
    const one = must(await h['overlay/views-open']({ items: [entry(first)] }, content));
    const j1 = must(await h['overlay/view-join']({ offer: (one.views[0] as { offer: string }).offer }, viewFrame(11)));
    expect(j1.view).toMatchObject({ state: 'message', plaintext: 'first message', flags: [] });
    // alice sends a second message a few seconds later: status 101 is now the conversation's last,
    // and the page's DM column entry shows its text.
    last = { id: '101', text: second };
    const two = must(await h['overlay/views-open']({ items: [entry(second)] }, content));
    const j2 = must(await h['overlay/view-join']({ offer: (two.views[0] as { offer: string }).offer }, viewFrame(12)));
    expect(j2.view.state).toBe('message');
    expect(j2.view.plaintext).toBe('second message');
    // Secure (no false alarms): neither genuine message is flagged.
    expect(j2.view.flags).toEqual([]);
    // And the first message's own view still shows the first message.
    const again = must(await h['overlay/view-get']({ session: j1.session }, viewFrame(11)));
    expect(again.view).toMatchObject({ state: 'message', plaintext: 'first message', flags: [] });
  });
});
