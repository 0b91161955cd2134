/**
 * The overlay's background handlers: secure views (views.ts), the secure editor and publishing
 * (compose.ts), and frame re-offers. Content scripts get only public values back (status ids,
 * frame offers, a size class computed from the ciphertext); plaintext, recipients, trust and the
 * security phrase go only to the frame bound to a session (sessions.ts).
 */
import { fullHandle } from '../../messaging/handle';
import browser from 'webextension-polyfill';
import { OVERLAY_PUSH, type overlayRequests } from '../../messaging/overlay-messages';
import { fail } from '../../messaging/result';
import { StatusApi } from '../publishing/status-api';
import type { HandlersFor } from '../router';
import type { SenderContext } from '../senders';
import type { AccountRef, KeyServices } from '../services';
import { browserSessionStore, FORBIDDEN, SessionStore, type SessionArea } from '../sessions';
import { createSettingsStore } from '../settings/store';
import { getTabState } from '../tab-state';
import { createComposeHandlers } from './compose';
import type { LastStatus, OverlayContext, PushBody } from './context';
import { carriesText, hushHashOf, hushTextOf, Reader, textHash, type ServerStatusAnswer } from './reading';
import { createViewHandlers } from './views';

export type OverlayHandlers = HandlersFor<keyof typeof overlayRequests>;

/** storage.session key whose changes tell view frames to ask again: {sessions, at}. */
export const STALE_KEY = 'hush:stale';

export interface OverlayDeps {
  readonly services: KeyServices;
  readonly push?: (tabId: number, body: PushBody) => Promise<void>;
  readonly accountOf?: (sender: SenderContext) => Promise<AccountRef | null>;
  readonly selfOf?: (sender: SenderContext) => Promise<string | null>;
  /** The session store (the background's one); tests may give only the area it keeps records in. */
  readonly sessions?: SessionStore;
  readonly sessionArea?: () => SessionArea;
  readonly statusApi?: StatusApi;
  readonly token?: (account: AccountRef) => Promise<string | null>;
  readonly now?: () => Promise<number>;
  /** The decryption cache, shared with the inbox (one reader per background). */
  readonly reader?: Reader;
}

/** The instance's own answer about a status (background, user's token, never the page): reply link and Hush text. */
export function serverStatusVia(
  statusApi: StatusApi,
  token: (account: AccountRef) => Promise<string | null>,
): (account: AccountRef, id: string) => Promise<ServerStatusAnswer> {
  return async (account, id) => {
    const t = await token(account);
    if (t === null) return 'unavailable';
    const r = await statusApi.get(account.origin, t, id);
    if (!r.ok) return r.kind === 'status' && [403, 404, 410].includes(r.status) ? 'gone' : 'unavailable';
    return { inReplyToId: r.value.in_reply_to_id ?? null, text: hushTextOf(r.value.content) };
  };
}

async function tabAccount(sender: SenderContext): Promise<AccountRef | null> {
  if (sender.tabId === null) return null;
  const state = await getTabState(sender.tabId);
  const id = state?.page.account?.id;
  return state && id !== undefined ? { origin: state.origin, accountId: id } : null;
}

async function tabSelf(sender: SenderContext): Promise<string | null> {
  if (sender.tabId === null) return null;
  const state = await getTabState(sender.tabId);
  const acct = state?.page.account?.acct;
  if (acct === undefined || state === null) return null;
  return fullHandle(acct, state.page.domain)?.toLowerCase() ?? null;
}

/** The overlay's handler map over a KeyServices instance. */
export function createOverlayHandlers(deps: OverlayDeps): OverlayHandlers {
  const area = deps.sessionArea ?? (() => browser.storage.session);
  const settings = createSettingsStore(browser.storage.local);
  const now = deps.now ?? (() => Promise.resolve(Math.floor(Date.now() / 1000)));
  const statusApi = deps.statusApi ?? new StatusApi((url, init) => fetch(url, init));
  const token = deps.token ?? (() => Promise.resolve(null));
  const serverStatus = serverStatusVia(statusApi, token);
  const reader = deps.reader ?? new Reader({ services: deps.services, area: browser.storage.local, now, serverStatus });

  /**
   * The DM column's entries: conversation id -> the status it shows (one API page, cached briefly).
   * One request per account at a time: a views-open batch asks for all its entries at once, and
   * each used to fetch the token and the page itself (8-40 requests where one answers them all).
   * `seq` numbers the requests as they start: a later one read a later state of the instance.
   */
  type ConvPage = { seq: number; at: number; map: Map<string, LastStatus> };
  const convCache = new Map<string, ConvPage>();
  const convFetches = new Map<string, { seq: number; page: Promise<ConvPage | null> }>();
  let convSeq = 0;
  /** The page from a request numbered `since` or later: one in flight that started late enough is shared. */
  const fetchConversations = (account: AccountRef, k: string, since = 0): Promise<ConvPage | null> => {
    const running = convFetches.get(k);
    if (running !== undefined && running.seq >= since) return running.page;
    const seq = ++convSeq;
    const p = (async () => {
      const t = await token(account);
      if (t === null) return null;
      const r = await statusApi.conversations(account.origin, t);
      if (!r.ok) return null;
      const map = new Map<string, LastStatus>();
      for (const conv of r.value) {
        if (conv.last === null) continue;
        const at = Date.parse(conv.last.created_at ?? '');
        map.set(conv.id, {
          statusId: conv.last.id,
          authorAcct: conv.last.account.acct,
          mentions: conv.last.mentions.map((m) => m.acct),
          createdAtMs: Number.isFinite(at) ? at : null,
          hushHash: await hushHashOf(hushTextOf(conv.last.content)),
        });
      }
      const page = { seq, at: Date.now(), map };
      // An older request answering last must not put its older page over a newer one.
      if ((convCache.get(k)?.seq ?? 0) < seq) convCache.set(k, page);
      return page;
    })().finally(() => {
      if (convFetches.get(k)?.seq === seq) convFetches.delete(k);
    });
    convFetches.set(k, { seq, page: p });
    return p;
  };
  const lastStatus = async (
    account: AccountRef,
    id: string,
    text: string,
    shownAt: number | null,
    shownAtMs: number | null = null,
  ): Promise<LastStatus | null> => {
    const k = `${account.origin}|${account.accountId}`;
    // The page drew this entry before reporting it, so the instance already had what it shows: a
    // request that starts from now on answers with it (or with something newer).
    const since = convSeq + 1;
    const want = await textHash(text);
    // Only a last status carrying the entry's own text names it: a cached page may predate a newer
    // message (a second message within seconds), and pairing that text with the older status id
    // would show a genuine message as "replaced" (server review F-dm-cache).
    const carries = (l: LastStatus | undefined): boolean => l !== undefined && carriesText(l.hushHash, want);
    const c = convCache.get(k);
    const hit = c?.map.get(id);
    // A cached answer is used only while it names the status the entry shows (same text, same
    // date): a conversation whose last status changed (a new message, or an old one the server
    // re-delivers) is asked again, or the new last status would be taken for the old one (issue
    // #21, invariant 5). A fresh answer must carry the entry's text, else the entry stays unnamed.
    // To the millisecond where both sides have it: a replay of a message posted within the same
    // second differs from its original only there (it won that race in Firefox, #21.5).
    const sameDate = (x: LastStatus | undefined): boolean =>
      x !== undefined &&
      (x.createdAtMs === null ||
        (shownAtMs !== null
          ? x.createdAtMs === shownAtMs
          : shownAt === null || Math.floor(x.createdAtMs / 1000) === shownAt));
    if (c !== undefined && sameDate(hit) && Date.now() - c.at <= 10_000 && carries(hit)) return hit ?? null;
    let fresh = (await fetchConversations(account, k)) ?? c;
    let l = fresh?.map.get(id);
    // The request shared above may have been answered before the instance changed this entry: an
    // old message re-delivered as the newest status has the same text as the status it copies, and
    // that older answer would name the copied status, so the replay would read as the genuine
    // original (issue #21, invariant 5; it lost the race under load). An answer from before the
    // entry was reported that does not match it (text and date) is asked once more, from a request
    // started after. The page's date only decides whether to ask again; the answer is the instance's.
    const matches = (x: LastStatus | undefined): boolean => carries(x) && sameDate(x);
    if (fresh !== undefined && fresh.seq < since && !matches(l)) {
      fresh = (await fetchConversations(account, k, since)) ?? fresh;
      l = fresh.map.get(id);
    }
    return carries(l) ? (l ?? null) : null;
  };

  const ctx: OverlayContext = {
    services: deps.services,
    reader,
    sessions: deps.sessions ?? (deps.sessionArea === undefined ? browserSessionStore() : new SessionStore(area)),
    sessionArea: area,
    accountOf: deps.accountOf ?? tabAccount,
    selfOf: deps.selfOf ?? tabSelf,
    push:
      deps.push ??
      (async (tabId, body) => {
        // The tab may have navigated away; a lost push only leaves a form to reset by hand.
        await browser.tabs.sendMessage(tabId, { type: OVERLAY_PUSH, ...body }, { frameId: 0 }).catch(() => undefined);
      }),
    phrase: async () => {
      const p = await settings.getPhrase();
      return p === null ? null : { text: p.text, pattern: p.pattern };
    },
    encryptByDefault: async () => (await settings.getPrefs()).defaultEncryption,
    markStale: async (sessions) => {
      if (sessions.length > 0) await area().set({ [STALE_KEY]: { sessions: sessions.slice(0, 500), at: Date.now() } });
    },
    conversations: { lastStatus },
    statusApi,
    token,
    now,
  };

  return {
    ...createViewHandlers(ctx),
    ...createComposeHandlers(ctx),
    'frame/reoffer': async ({ session }, sender) => {
      const offer = await ctx.sessions.reoffer(session, sender);
      if (offer === FORBIDDEN) return fail('forbidden_sender', 'only the content script of its tab asks for offers');
      return offer === null ? fail('no_session', 'no such frame session for this tab') : { offer };
    },
  };
}
