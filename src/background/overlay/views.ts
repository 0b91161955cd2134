/**
 * Secure views, background side. A content script reports the Hush statuses it sees (public:
 * ciphertext, handles, ids, the page's date and whether a CW/media/card surrounds them) and gets
 * back, per status, a frame session, a one-time offer and a size class computed from the
 * ciphertext alone (public already: the page learns nothing from the size). What a view shows
 * (plaintext, sender and trust, signed time, flags) goes only to the frame bound to the session.
 */
import type {
  FrameStyle,
  OverlayResponses,
  SizeClass,
  ViewContent,
  ViewOpenRequest,
} from '../../messaging/overlay-messages';
import { fail } from '../../messaging/result';
import { inspectChunk } from '../../protocol/index';
import type { HandlersFor } from '../router';
import type { SenderContext } from '../senders';
import type { AccountRef } from '../services';
import { FORBIDDEN, type Held } from '../sessions';
import type { OverlayContext } from './context';
import { textHash, type SeenStatus } from './reading';

/** A view session's state (its tab and bound frame are the session record's: sessions.ts). */
export interface ViewSession {
  readonly account: AccountRef;
  readonly seen: SeenStatus;
  readonly style: FrameStyle;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isSeen = (v: unknown): v is SeenStatus =>
  isObj(v) &&
  typeof v.statusId === 'string' &&
  typeof v.text === 'string' &&
  isObj(v.author) &&
  typeof v.author.acct === 'string' &&
  Array.isArray(v.mentions) &&
  v.mentions.every((m) => typeof m === 'string') &&
  (v.serverTime === null || typeof v.serverTime === 'number') &&
  isObj(v.extras);
const isView = (v: unknown): v is ViewSession =>
  isObj(v) &&
  isObj(v.account) &&
  typeof v.account.origin === 'string' &&
  typeof v.account.accountId === 'string' &&
  isSeen(v.seen) &&
  isObj(v.style);

/**
 * The size class of a view from its ciphertext only: the encoded length minus the envelope's
 * fixed part and one key wrap per recipient (mentions + the sender's own copy), as bytes; a
 * message in several parts is always the largest class. Public in, public out.
 */
export function sizeClassOfCiphertext(text: string, mentions: number): SizeClass {
  const info = inspectChunk(text);
  if (!info.ok) return 0;
  if (info.value.chunkCount > 1) return 3;
  let chars = 0;
  for (const ch of text) if ((ch.codePointAt(0) ?? 0) >= 0x3400) chars++;
  const bytes = chars * 2 - 120 - 90 * (mentions + 1);
  return bytes <= 80 ? 0 : bytes <= 280 ? 1 : bytes <= 700 ? 2 : 3;
}

/**
 * What one tab may keep in storage.session (shared by every tab, the drafts, the offers and the
 * unlocked vault key; 10 MB in Chromium): the page decides how many Hush statuses it draws, so
 * beyond these the tab's least recently opened views go (page review: 640 page-made statuses
 * kept 19.5 MB). A view still on screen whose session went is opened again when Mastodon mounts
 * its status again; a long timeline keeps far fewer statuses mounted than this.
 */
export const MAX_VIEWS_PER_TAB = 300;
export const MAX_VIEW_BYTES_PER_TAB = 1_000_000;
/** An estimate of a view record's stored size (UTF-8 of the ciphertext, at most 3 bytes per code unit). */
const viewBytes = (v: ViewSession): number => 600 + 3 * (v.seen.text.length + v.seen.mentions.join(' ').length);

export type ViewHandlers = HandlersFor<
  'overlay/views-open' | 'overlay/view-join' | 'overlay/view-get' | 'overlay/view-activate'
>;

export function createViewHandlers(ctx: OverlayContext): ViewHandlers {
  const views = ctx.sessions.of('view', isView);

  /** After a worker restart the reader's memory is empty: re-register this tab's views of the message. */
  const ensureKnown = async ({ tabId, state: v }: Held<ViewSession>): Promise<void> => {
    if (ctx.reader.partOf(v.account, v.seen.statusId) !== null) return;
    const info = inspectChunk(v.seen.text);
    if (!info.ok) {
      await ctx.reader.open(v.account, v.seen);
      return;
    }
    if (info.value.chunkCount > 1) {
      for (const [, { tabId: t, state: w }] of await views.all())
        if (t === tabId && w.account.accountId === v.account.accountId) await ctx.reader.open(w.account, w.seen);
    } else await ctx.reader.open(v.account, v.seen);
  };

  const contentOf = async (h: Held<ViewSession>): Promise<ViewContent> => {
    await ensureKnown(h);
    return ctx.reader.view(h.state.account, h.state.seen.statusId);
  };

  /** The session when the sender is the view frame bound to it (messaging/sessions.ts). */
  const viewFor = (session: string, sender: SenderContext): Promise<Held<ViewSession> | null> =>
    views.asJoiner(session, sender);

  /** A DM-column entry names a conversation, not a status: the API says which status it shows. */
  const resolveEntry = async (account: AccountRef, item: ViewOpenRequest): Promise<SeenStatus> => {
    const base: SeenStatus = {
      statusId: item.statusId,
      text: item.text,
      author: { acct: item.author ?? '', actorUri: null },
      mentions: item.mentions,
      serverTime: item.serverTime,
      extras: item.extras,
    };
    if (item.context !== 'conversation' || !item.statusId.startsWith('c')) return base;
    const last = await ctx.conversations.lastStatus(
      account,
      item.statusId.slice(1),
      item.text,
      item.serverTime,
      item.serverTimeMs ?? null,
    );
    if (last !== null)
      return {
        ...base,
        statusId: last.statusId,
        author: { acct: last.authorAcct, actorUri: null },
        mentions: last.mentions.length > 0 ? last.mentions : item.mentions,
      };
    // Offline or an unknown entry: the same text seen elsewhere on the page is that status.
    const same = await ctx.reader.statusWithText(account, item.text);
    if (same !== null) return { ...base, statusId: same.statusId, author: same.author, mentions: same.mentions };
    // Unnamed: one entry shows a conversation's newest message, so each text is its own pseudo-status
    // (`c<conversation>~<text hash>`): a newer message in the entry is not the old one "replaced".
    const author = item.participants[0] ?? item.author ?? '';
    return {
      ...base,
      statusId: `${item.statusId}~${(await textHash(item.text)).slice(0, 16)}`,
      author: { acct: author, actorUri: null },
    };
  };

  /** Keeps one tab's views within MAX_VIEWS_PER_TAB and MAX_VIEW_BYTES_PER_TAB, oldest out. */
  const trimTab = async (tabId: number): Promise<void> => {
    const mine = (await views.all()).filter(([, v]) => v.tabId === tabId);
    let count = mine.length;
    let bytes = mine.reduce((n, [, v]) => n + viewBytes(v.state), 0);
    for (const [session, { state: v }] of mine) {
      if (count <= MAX_VIEWS_PER_TAB && bytes <= MAX_VIEW_BYTES_PER_TAB) break;
      await views.close(session);
      count--;
      bytes -= viewBytes(v);
    }
  };

  return {
    'overlay/views-open': async ({ items }, sender) => {
      const account = await ctx.accountOf(sender);
      if (account === null || sender.tabId === null)
        return fail('forbidden_sender', 'no signed-in account in this tab');
      const tabId = sender.tabId;
      const changedGroups = new Set<string>();
      // All items at once: their offers go to storage in one write, not one write per status.
      const out: OverlayResponses['overlay/views-open']['views'][number][] = await Promise.all(
        items.map(async (item) => {
          const seen = await resolveEntry(account, item);
          const part = await ctx.reader.open(account, seen);
          if (part.kind === 'not_hush') return { error: 'not_hush' };
          const opened = await views.create(sender, { account, seen, style: item.style });
          if (opened === FORBIDDEN) return { error: 'refused' };
          const { session, offer } = opened;
          if (part.kind === 'malformed')
            return { session, offer, role: 'message' as const, part: null, size: 0 as const };
          if (part.completes) changedGroups.add(part.group);
          return {
            session,
            offer,
            role: part.index === 0 ? ('message' as const) : ('continuation' as const),
            part: part.total > 1 ? { index: part.index, total: part.total } : null,
            size: part.index === 0 ? sizeClassOfCiphertext(seen.text, seen.mentions.length) : (0 as const),
          };
        }),
      );
      await trimTab(tabId);
      // A later part completed a message: the views of its first part ask again.
      if (changedGroups.size > 0) {
        const stale: string[] = [];
        for (const [s, { state: w }] of await views.all()) {
          const p = ctx.reader.partOf(w.account, w.seen.statusId);
          if (p !== null && p.index === 0 && changedGroups.has(p.group)) stale.push(s);
        }
        await ctx.markStale(stale);
      }
      return { views: out };
    },
    'overlay/view-join': async ({ offer }, sender) => {
      const joined = await views.join(offer, sender);
      if (joined === FORBIDDEN) return fail('forbidden_sender', 'not a Hush view frame');
      if (joined === null) return fail('no_session', 'no such offer for this frame');
      return {
        session: joined.session,
        view: await contentOf(joined),
        style: joined.state.style,
        phrase: await ctx.phrase(),
      };
    },
    'overlay/view-get': async ({ session }, sender) => {
      const v = await viewFor(session, sender);
      if (v === null) return fail('no_session', 'no such view for this frame');
      return { view: await contentOf(v) };
    },
    'overlay/view-activate': async ({ session }, sender) => {
      const v = await viewFor(session, sender);
      if (v === null) return fail('no_session', 'no such view for this frame');
      await ctx.push(v.tabId, { kind: 'view-activate', session });
      return { done: true as const };
    },
  };
}
