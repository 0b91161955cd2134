/**
 * Server-side review (attack-server branch): the DM column's entries are resolved to a status
 * through the conversations API, cached 10 s. Real overlay handlers and Reader, fake KeyServices
 * and instance API (the harness is handler-fixture.ts, shared with handlers.test.ts). Asserts the
 * SECURE behaviour; it failed on the reviewed code and passes since an entry is named only by a
 * status carrying its text. No false alarms: two genuine messages in quick succession in one
 * conversation.
 */
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { KeyServices } from '../services';
import type { StatusApi, StatusJson } from '../publishing/status-api';
import { account, aliceServices, aliceToBob, content, must, STYLE, TAB, viewFrame, world } from './handler-fixture';

vi.mock('webextension-polyfill', async () => (await import('./handler-fixture')).polyfill);

const { createOverlayHandlers } = await import('./handlers');

let first = '';
let second = '';

const services = (): KeyServices =>
  aliceServices((text) =>
    text === first ? { plaintext: 'first message', messageId: '01' } : { plaintext: 'second message', messageId: '02' },
  );

beforeAll(async () => {
  [first = '', second = ''] = await aliceToBob('one', 'two');
});

beforeEach(() => {
  world.clear();
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
