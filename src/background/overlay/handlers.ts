/**
 * Background handlers of the overlay. The content script gets only public values back
 * (ciphertext status texts, handles, sizes, badge states); plaintext is held here per editor
 * session and handed only to the frame that presents that session from the same tab.
 */
import browser from 'webextension-polyfill';
import type { FrameStyle, OverlayPush, RecipientState } from '../../messaging/overlay-messages';
import { OVERLAY_PUSH, overlayRequests, quantiseHeight } from '../../messaging/overlay-messages';
import { fail } from '../../messaging/result';
import { frameOwnsSession, joinFrameSession } from '../frame-sessions';
import type { HandlersFor } from '../router';
import type { SenderContext } from '../senders';
import type { AccountRef, KeyServices, RecipientProblem, RecipientReady } from '../services';
import { SessionTable, type SessionArea } from '../session-table';
import { createSettingsStore } from '../settings/store';
import { getTabState } from '../tab-state';
import { draftBudget, invitationText, parseDraft } from './draft';
import { Reader, type SeenStatus } from './reading';

interface EditorSession {
  readonly tabId: number;
  readonly account: AccountRef;
  readonly text: string;
  readonly replyTo: string | null;
  readonly maxChars: number;
  readonly style: FrameStyle;
  readonly placeholder: string;
  /** Set once encrypted; the draft stays until the post is confirmed. */
  readonly messageId: string | null;
}

interface ViewSession {
  readonly tabId: number;
  readonly account: AccountRef;
  readonly key: string | null;
  readonly style: FrameStyle;
  /** The status as the content script reported it (ciphertext): lets a restarted worker re-open it. */
  readonly seen?: SeenStatus;
}

export type OverlayHandlers = HandlersFor<keyof typeof overlayRequests>;

export interface OverlayDeps {
  readonly services: KeyServices;
  /** Sends a push to the top frame of a tab (tabs.sendMessage in the extension). */
  readonly push?: (tabId: number, message: OverlayPush) => Promise<void>;
  readonly accountOf?: (sender: SenderContext) => Promise<AccountRef | null>;
  readonly frameOwned?: (session: string, tabId: number, kind: 'view' | 'editor') => Promise<boolean>;
  /** Binds a view session to the frame presenting it (first join wins; see frame-sessions.ts). */
  readonly frameJoin?: (session: string, tabId: number, frameId: number) => Promise<boolean>;
  /** Whether the sending frame is the one bound to the session (first join wins; see frame-sessions.ts). */
  readonly frameOwner?: (session: string, tabId: number, frameId: number | null | undefined) => Promise<boolean>;
  /** Where editor drafts and view sessions outlive a worker restart (storage.session by default). */
  readonly sessionArea?: () => SessionArea;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isAccountRef = (v: unknown): v is AccountRef => isObj(v) && typeof v.origin === 'string' && typeof v.accountId === 'string';
const strOrNull = (v: unknown): v is string | null => v === null || typeof v === 'string';
const isEditor = (v: unknown): v is EditorSession =>
  isObj(v) && typeof v.tabId === 'number' && isAccountRef(v.account) && typeof v.text === 'string' && strOrNull(v.replyTo) &&
  typeof v.maxChars === 'number' && isObj(v.style) && typeof v.placeholder === 'string' && strOrNull(v.messageId);
const isSeen = (v: unknown): v is SeenStatus =>
  isObj(v) && typeof v.statusId === 'string' && typeof v.text === 'string' && isObj(v.author) && typeof v.author.acct === 'string' &&
  strOrNull(v.author.actorUri) && Array.isArray(v.mentions) && v.mentions.every((m) => typeof m === 'string') &&
  (v.context === undefined || v.context === 'status' || v.context === 'conversation');
const isView = (v: unknown): v is ViewSession =>
  isObj(v) && typeof v.tabId === 'number' && isAccountRef(v.account) && strOrNull(v.key) && isObj(v.style) && (v.seen === undefined || isSeen(v.seen));
/** The message group a view key belongs to (`group#statusId` for messages, `group` for continuations). */
const groupOf = (key: string): string => (key.includes('#') ? key.slice(0, key.lastIndexOf('#')) : key);

async function tabAccount(sender: SenderContext): Promise<AccountRef | null> {
  if (sender.tabId === null) return null;
  const state = await getTabState(sender.tabId);
  const id = state?.page.account?.id;
  return state && id !== undefined ? { origin: state.origin, accountId: id } : null;
}

const problemState = (r: RecipientReady | RecipientProblem): RecipientState => r.kind;

/** The overlay's handler map over a KeyServices instance. */
export function createOverlayHandlers(deps: OverlayDeps): OverlayHandlers {
  const { services } = deps;
  const push = deps.push ?? (async (tabId, m) => {
    // The tab may have navigated away; a lost push only delays a re-render.
    await browser.tabs.sendMessage(tabId, m, { frameId: 0 }).catch(() => undefined);
  });
  const accountOf = deps.accountOf ?? tabAccount;
  const frameOwned = deps.frameOwned ?? (async (s, tabId, kind) => (await joinFrameSession(s, tabId, kind)) !== null);
  const reader = new Reader(services, browser.storage.local);
  const settings = createSettingsStore(browser.storage.local);
  const area = deps.sessionArea ?? (() => browser.storage.session);
  const editors = new SessionTable<EditorSession>('editor:', isEditor, area);
  const views = new SessionTable<ViewSession>('view:', isView, area);
  /** View sessions opened (or re-opened) by this worker; any other one dates from before a restart. */
  const openedHere = new Set<string>();
  const recentRecipients = new Set<string>();

  const frameOwner = deps.frameOwner ?? frameOwnsSession;
  const frameJoin = deps.frameJoin ?? (async (s, tabId, frameId) => (await joinFrameSession(s, tabId, 'view', frameId)) !== null);
  /** A request from a frame must come from THE frame bound to the session, not just any frame of the tab. */
  const ownedBy = async (session: string, sender: SenderContext): Promise<boolean> =>
    sender.kind !== 'frame' || (sender.tabId !== null && (await frameOwner(session, sender.tabId, sender.frameId)));
  const editorFor = async (session: string, sender: SenderContext): Promise<EditorSession | null> => {
    const e = await editors.get(session);
    return e !== null && e.tabId === sender.tabId && (await ownedBy(session, sender)) ? e : null;
  };
  const noSession = () => fail('no_session', 'no such editor session for this tab');

  /**
   * After a worker restart the reader has forgotten the statuses it was shown (memory only).
   * Views of this tab kept what they were opened with: re-open those that match, in order.
   */
  const reopen = async (tabId: number, match: (v: ViewSession) => boolean): Promise<void> => {
    for (const [, w] of await views.all()) {
      if (w.tabId === tabId && w.seen !== undefined && match(w)) await reader.open(w.account, w.seen);
    }
  };
  const replyMessageId = async (account: AccountRef, tabId: number, statusId: string): Promise<string | null> => {
    const known = reader.messageIdOf(account, statusId);
    if (known !== null) return known;
    await reopen(tabId, (w) => w.seen?.statusId === statusId);
    return reader.messageIdOf(account, statusId);
  };

  async function composeStatus(e: EditorSession) {
    const draft = parseDraft(e.text);
    const check = await services.checkRecipients(e.account, draft.recipients);
    const budget = draftBudget(draft, e.maxChars, e.replyTo !== null);
    return {
      account: check.account,
      recipients: check.recipients.map((r) => ({ acct: r.acct, state: problemState(r) })),
      remaining: budget.remaining,
      parts: budget.parts,
      empty: draft.plaintext.length === 0,
    };
  }

  return {
    'overlay/editor-seed': async (p, sender) => {
      const account = await accountOf(sender);
      if (account === null || sender.tabId === null) return fail('forbidden_sender', 'no signed-in account in this tab');
      if (!(await frameOwned(p.session, sender.tabId, 'editor'))) return noSession();
      const replyTo = p.replyToStatusId === null ? null : await replyMessageId(account, sender.tabId, p.replyToStatusId);
      await editors.put(p.session, { tabId: sender.tabId, account, text: p.text, replyTo, maxChars: p.maxChars, style: p.style, placeholder: p.placeholder, messageId: null });
      return { seeded: true as const };
    },
    'overlay/compose-check': async (p, sender) => {
      const account = await accountOf(sender);
      if (account === null) return fail('forbidden_sender', 'no signed-in account in this tab');
      const check = await services.checkRecipients(account, p.recipients);
      const replyEncrypted = p.replyToStatusId !== null && sender.tabId !== null && (await replyMessageId(account, sender.tabId, p.replyToStatusId)) !== null;
      return {
        account: check.account,
        recipients: check.recipients.map((r) => ({ acct: r.acct, state: problemState(r) })),
        remaining: 0,
        parts: 0,
        empty: true,
        replyEncrypted,
        encryptByDefault: (await settings.getPrefs()).defaultEncryption,
      };
    },
    'overlay/compose-encrypt': async ({ session, reserveChars }, sender) => {
      const e = await editorFor(session, sender);
      if (e === null) return noSession();
      const draft = parseDraft(e.text);
      if (draft.plaintext.length === 0) return { ok: false as const, account: null, recipients: [], invitation: null, message: 'empty' };
      const out = await services.encrypt(e.account, { recipients: draft.recipients, plaintext: draft.plaintext, replyTo: e.replyTo, maxChars: Math.max(0, e.maxChars - reserveChars) });
      if (out.ok) {
        for (const r of draft.recipients) recentRecipients.add(r);
        // Re-read: a draft update may have landed while encrypting (the latest text is kept).
        const latest = (await editors.get(session)) ?? e;
        await editors.put(session, { ...latest, messageId: out.messageId });
        return { ok: true as const, statuses: out.statuses, messageId: out.messageId };
      }
      const noKey = out.recipients.filter((r) => r.kind === 'no_key').map((r) => r.acct);
      return {
        ok: false as const,
        account: out.account,
        recipients: out.recipients.map((r) => ({ acct: r.acct, state: r.kind })),
        invitation: noKey.length > 0 ? invitationText(noKey) : null,
        message: out.message,
      };
    },
    'overlay/compose-posted': async ({ session, statusIds }, sender) => {
      const e = await editorFor(session, sender);
      if (e === null) return noSession();
      // Our own statuses name their message, so a reply to them is threaded to it.
      if (e.messageId !== null) reader.rememberPosted(e.account, statusIds, e.messageId);
      await editors.delete(session);
      return { done: true as const };
    },
    'overlay/editor-close': async ({ session }, sender) => {
      if ((await editorFor(session, sender)) !== null) await editors.delete(session);
      return { closed: true as const };
    },
    'overlay/editor-get': async ({ session }, sender) => {
      const e = await editorFor(session, sender);
      if (e === null) return noSession();
      return { text: e.text, style: e.style, placeholder: e.placeholder, status: await composeStatus(e) };
    },
    'overlay/editor-draft': async ({ session, text }, sender) => {
      const e = await editorFor(session, sender);
      if (e === null || sender.tabId === null) return noSession();
      const updated = { ...e, text };
      await editors.put(session, updated);
      const status = await composeStatus(updated);
      const allReady = status.account === 'ready' && status.recipients.length > 0 && status.recipients.every((r) => r.state === 'ready');
      await push(sender.tabId, { type: OVERLAY_PUSH, kind: 'compose-status', session, remaining: status.remaining, parts: status.parts, allReady, empty: status.empty });
      return status;
    },
    'overlay/editor-submit': async ({ session }, sender) => {
      const e = await editorFor(session, sender);
      if (e === null || sender.tabId === null) return noSession();
      await push(sender.tabId, { type: OVERLAY_PUSH, kind: 'submit', session });
      return { sent: true };
    },
    'overlay/mention-search': async ({ session, query }, sender) => {
      const e = await editorFor(session, sender);
      if (e === null) return noSession();
      const q = query.replace(/^@/, '').toLowerCase();
      const known = [...recentRecipients].filter((a) => a.toLowerCase().startsWith(q)).slice(0, 4);
      const candidates = q.includes('@') && /\.[a-z]{2,}$/.test(q) && !known.includes(q) ? [...known, q] : known;
      const check = await services.checkRecipients(e.account, candidates);
      const accounts = check.recipients.map((r) => ({ acct: r.acct, hasKey: r.kind === 'ready' }));
      // Then the user's own instance's account search (what Mastodon's UI would send for this
      // "@" fragment anyway): only from 2 characters on; the editor debounces keystrokes.
      if (q.replace(/@.*$/, '').length >= 2) {
        for (const found of await services.searchAccounts(e.account, q)) {
          if (accounts.length >= 6) break;
          if (!accounts.some((a) => a.acct.toLowerCase() === found.acct.toLowerCase())) accounts.push(found);
        }
      }
      return { accounts };
    },
    'overlay/view-open': async (p, sender) => {
      const account = await accountOf(sender);
      if (account === null || sender.tabId === null) return fail('forbidden_sender', 'no signed-in account in this tab');
      if (!(await frameOwned(p.session, sender.tabId, 'view'))) return noSession();
      const tabId = sender.tabId;
      const seen: SeenStatus = { statusId: p.statusId, text: p.text, author: p.author, mentions: p.mentions, context: p.context };
      const res = await reader.open(account, seen);
      const key = res.kind === 'not_hush' ? null : res.key;
      await views.put(p.session, { tabId, account, key, style: p.style, seen });
      openedHere.add(p.session);
      if (res.kind !== 'not_hush' && res.completed.length > 0) {
        // A later chunk completed a message: views of its first chunk render again.
        for (const [s, v] of await views.all()) if (v.key !== null && res.completed.some((g) => v.key?.startsWith(`${g}#`) === true)) await push(v.tabId, { type: OVERLAY_PUSH, kind: 'view-refresh', session: s });
      }
      if (res.kind === 'continuation') {
        return { role: 'continuation' as const, badge: { kind: 'incomplete' as const, sender: null, fingerprint: null, reason: null, parts: null }, part: { index: res.index, total: res.total }, height: 0 };
      }
      const shown = res.shown;
      return { role: 'message' as const, badge: shown.badge, part: null, height: quantiseHeight(shown.plaintext === null ? 0 : 60) };
    },
    'overlay/view-join': async ({ session }, sender) => {
      // Only a view frame of this tab may bind the session; the first one to join owns it.
      // No frame id, no binding: refuse rather than answer any frame of the tab.
      if (sender.kind !== 'frame' || sender.path !== '/frames/view.html' || sender.tabId === null || typeof sender.frameId !== 'number') return fail('forbidden_sender', 'not a Hush view frame');
      if (!(await frameJoin(session, sender.tabId, sender.frameId))) return fail('no_session', 'this frame was not opened by Hush for this tab');
      const v = await views.get(session);
      if (v?.tabId !== sender.tabId) return noSession();
      const key = v.key;
      // Only for a view opened before this worker started (a restart), and once: re-opening replays
      // every view of the message and must never run on the normal path.
      if (!openedHere.has(session)) {
        openedHere.add(session);
        if (key !== null && !reader.knows(key)) await reopen(v.tabId, (w) => w.key !== null && groupOf(w.key) === groupOf(key));
      }
      const shown = v.key === null ? { plaintext: null, badge: { kind: 'cannot_decrypt' as const, sender: null, fingerprint: null, reason: 'not_hush', parts: null } } : await reader.shown(v.account, v.key);
      const phrase = await settings.getPhrase();
      return { plaintext: shown.plaintext, badge: shown.badge, style: v.style, phrase: phrase === null ? null : { text: phrase.text, pattern: phrase.pattern } };
    },
    'overlay/view-size': async ({ session, height }, sender) => {
      const v = await views.get(session);
      if (v?.tabId !== sender.tabId || !(await ownedBy(session, sender))) return noSession();
      const step = quantiseHeight(height);
      await push(v.tabId, { type: OVERLAY_PUSH, kind: 'view-size', session, height: step });
      return { height: step };
    },
  };
}
