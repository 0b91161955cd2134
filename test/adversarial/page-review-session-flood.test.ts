/**
 * Independent review (attacker: the page). The page decides which statuses exist: it can draw as
 * many "statuses" carrying the Hush prefix as it likes (the text needs only the prefix; it does
 * not have to parse). For each one the content script asks `overlay/views-open`, and the
 * background keeps a view session (with the page's text, up to 10,000 characters) and a frame
 * session in storage.session, which is shared by every tab, every editor draft, the offers list
 * and the unlocked vault key, and is limited to 10 MB in Chromium (QUOTA_BYTES). Nothing bounds
 * what one tab may keep there before the tab is closed.
 *
 * Secure behaviour asserted: what one tab can make the background keep in storage.session is
 * bounded far below the shared quota. Failed before the fix (19.5 MB); views.ts now caps each tab.
 * The same through editors (2026-12-08 review, F1): a direct-mode compose form opens an editor
 * with no gesture (encryption is on by default), so a page drawing hundreds of forms made as many
 * editor sessions, each holding the form's text as a seed. Failed before the fix (11.2 MB, every
 * later frame in every tab refused); compose.ts now keeps a tab's untouched editors to a few.
 */
import { describe, expect, it, vi } from 'vitest';
import type { FrameStyle } from '../../src/messaging/overlay-messages';
import type { SenderContext } from '../../src/background/senders';
import type { DecryptOutcome, KeyServices } from '../../src/background/services';

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
  return { local: area(), session: area() };
});

vi.mock('webextension-polyfill', () => ({
  default: {
    runtime: {},
    storage: { local: world.local, session: world.session },
    tabs: { sendMessage: () => Promise.resolve() },
  },
}));

const { createOverlayHandlers } = await import('../../src/background/overlay/handlers');

const STYLE: FrameStyle = {
  color: 'rgb(0, 0, 0)',
  background: 'rgb(255, 255, 255)',
  link: 'rgb(0, 0, 238)',
  fontFamily: 'sans-serif',
  fontSizePx: 15,
  lineHeightPx: 22,
  dark: false,
};
const TAB = 7;
const content: SenderContext = { kind: 'content', tabId: TAB, origin: 'https://b.test', path: '/home', frameId: 0 };
const account = { origin: 'https://b.test', accountId: '1' };

const services: KeyServices = {
  checkRecipients: () => Promise.resolve({ account: 'ready' as const, recipients: [] }),
  encrypt: () => Promise.reject(new Error('not used')),
  decrypt: (): Promise<DecryptOutcome> =>
    Promise.resolve({ ok: false, reason: 'bad_signature' } as unknown as DecryptOutcome),
  senderTrust: () => Promise.reject(new Error('not used')),
  handlesOf: (_a: unknown, u: string[]) => Promise.resolve(u.map(() => null)),
  sealLocal: (_a: unknown, d: Uint8Array) => Promise.resolve(d),
  openLocal: (_a: unknown, d: Uint8Array) => Promise.resolve(d),
  searchAccounts: () => Promise.resolve([]),
  contactList: () => Promise.resolve([]),
};

/** Bytes storage.session would count (JSON of keys and values, as Chromium's QUOTA_BYTES does). */
const sessionBytes = (): number =>
  [...world.session.m].reduce((n, [k, v]) => n + k.length + new TextEncoder().encode(JSON.stringify(v)).length, 0);

describe('review: one hostile page and the shared storage.session', () => {
  it('fake Hush statuses drawn by the page cannot make the background keep megabytes in storage.session', async () => {
    const h = createOverlayHandlers({
      services,
      accountOf: (s) => Promise.resolve(s.tabId === TAB ? account : null),
      selfOf: (s) => Promise.resolve(s.tabId === TAB ? 'bob@b.test' : null),
      token: () => Promise.resolve(null),
      now: () => Promise.resolve(1_800_000_100),
    });
    // What the page draws: statuses whose text is the Hush prefix and 9,960 CJK characters of
    // nothing (they need not parse: a "malformed" Hush status gets a view too).
    const filler = '\u4e00'.repeat(9_960);
    let n = 0;
    for (let batch = 0; batch < 20; batch++) {
      const items = Array.from({ length: 32 }, () => ({
        statusId: String(100_000 + n++),
        context: 'status' as const,
        author: 'mallory@b.test',
        participants: [],
        mentions: [],
        text: `[Hush encrypted message] ${filler}`,
        serverTime: null,
        extras: { cw: false, media: false, card: false },
        style: STYLE,
      }));
      const r = await h['overlay/views-open']({ items }, content);
      expect('views' in r).toBe(true);
    }
    const bytes = sessionBytes();
    console.log(
      `[review] ${n} page-made statuses: ${(bytes / 1e6).toFixed(1)} MB kept in storage.session (Chromium's quota for ALL tabs: 10.5 MB)`,
    );
    expect(bytes).toBeLessThan(2_000_000);
  });

  it('compose forms drawn by the page cannot make the background keep an editor session for each', async () => {
    world.session.m.clear();
    const h = createOverlayHandlers({
      services,
      accountOf: (s) => Promise.resolve(s.tabId === TAB ? account : null),
      selfOf: (s) => Promise.resolve(s.tabId === TAB ? 'bob@b.test' : null),
      token: () => Promise.resolve(null),
      now: () => Promise.resolve(1_800_000_100),
    });
    // What the page draws: direct-mode forms with 5,000 characters and 20 long mentions each.
    const seedMentions = Array.from({ length: 20 }, (_, i) => `${'m'.repeat(30)}${i}@${'x'.repeat(200)}.test`);
    const opened: string[] = [];
    for (let i = 0; i < 800; i++) {
      const r = await h['overlay/editor-open'](
        { replyToStatusId: null, seedMentions, seedText: '\u4e00'.repeat(5_000), maxChars: 500, style: STYLE },
        content,
      );
      if ('session' in r) opened.push(r.session);
    }
    expect(opened).toHaveLength(800); // every form still gets its editor: nothing refused
    const bytes = sessionBytes();
    const kept = [...world.session.m.keys()].filter((k) => k.startsWith('session:')).length;
    console.log(`[review] 800 page-made compose forms: ${kept} editor sessions, ${(bytes / 1e6).toFixed(2)} MB kept`);
    expect(bytes).toBeLessThan(500_000);
    // The newest form's editor is among those kept.
    expect(world.session.m.has(`session:${opened.at(-1) ?? ''}`)).toBe(true);
  });
});
