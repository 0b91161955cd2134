/**
 * The inbox service (issue #18): the background side of `inbox.html`. It owns each account's own
 * connection to its instance (OAuth with PKCE, token sealed in storage.local, revocable), reads
 * conversations and threads through the REST API, decrypts through the overlay's Reader (the same
 * decryption cache and replay memory), takes badges from the contacts now (KeyServices), and
 * publishes through the shared send path (publishing/send.ts: read back before "sent", the draft
 * kept until then). Only extension pages at the paths below may ask; tokens, PKCE verifiers and
 * client secrets never leave the background.
 */
import type {
  ConversationItem,
  InboxAccount,
  InboxDraft,
  InboxProblem,
  InboxResponses,
  ParticipantState,
  ReplyCheck,
  ThreadMessage,
  inboxRequests,
} from '../../messaging/inbox-messages';
import { THREAD_PAGE } from '../../messaging/inbox-messages';
import { textHidden, type ComposeStatus, type SendProgress, type ViewContent } from '../../messaging/overlay-messages';
import { b64std, unb64std } from '../../messaging/encoding';
import { fail } from '../../messaging/result';
import { STATUS_PREFIX } from '../../protocol/index';
import { htmlToText } from '../network/html-text';
import type { ApiFailure, ConversationJson, InboxStatus, MastodonApi } from '../network/mastodon';
import { accountKey, hushTextOf, SERVER_STATUS_TTL, type Reader, type SeenStatus } from '../overlay/reading';
import { invitationText } from '../overlay/draft';
import { rankCompletions } from '../overlay/completion';
import type { StatusApi } from '../publishing/status-api';
import { draftStatus, sendDraft, type SendJob } from '../publishing/send';
import type { HandlersFor } from '../router';
import type { SenderContext } from '../senders';
import type { AccountRef, KeyServices } from '../services';
import { authorizeUrl, challengeS256, INBOX_SCOPES, instanceOrigin, parseRedirect, randomToken } from './oauth';
import type { Area, InboxStore } from './store';

export type InboxHandlers = HandlersFor<keyof typeof inboxRequests>;

/** The extension pages that may use the inbox service (the popup for connect/revoke). */
export const INBOX_PAGES = new Set(['/inbox.html', '/popup.html', '/options.html']);

export interface InboxDeps {
  readonly services: KeyServices;
  readonly reader: Reader;
  readonly statusApi: StatusApi;
  readonly api: MastodonApi;
  readonly store: InboxStore;
  /** storage.session: drafts (memory only, survive worker restarts). */
  readonly session: Area;
  /** storage.local: which conversations held a Hush message (ids only). */
  readonly local: Area;
  /** Accounts with Hush keys in this browser. */
  readonly keyAccounts: () => Promise<
    readonly { readonly origin: string; readonly accountId: string; readonly acct: string; readonly active: boolean }[]
  >;
  readonly lockState: () => Promise<{ readonly locked: boolean; readonly hasPassphrase: boolean }>;
  readonly phrase: () => Promise<{ readonly text: string; readonly pattern: string } | null>;
  /** The page's token from an open tab of the account (the fallback before OAuth). */
  readonly pageToken: (account: AccountRef) => Promise<string | null>;
  readonly hasTab: (account: AccountRef) => Promise<boolean>;
  readonly identity: { redirectUrl(): string; launch(url: string): Promise<string> };
  readonly allowHttpLoopback: boolean;
  readonly now: () => Promise<number>;
}

const lower = (s: string): string => s.toLowerCase();
const byId = (a: string, b: string): number =>
  a.length !== b.length ? a.length - b.length : a < b ? -1 : a > b ? 1 : 0;
/** The listing gap (issue #18): pages read per listing, Hush conversations that end it, plain threads looked through. */
const LIST_PAGES = 5;
const LIST_TARGET = 20;
const LIST_PROBES = 20;
/**
 * A last status that is a later part of a chunk thread: its earlier parts are read (each part
 * answers the one before) so the preview shows the message, for this many conversations per
 * listing and this many parts each; beyond that the preview says "incomplete" as before.
 */
const LIST_ASSEMBLE = 8;
const ASSEMBLE_PARTS = 8;
const MAX_PARTICIPANTS = 20;
/** Inbox drafts kept (storage.session), the least recently written evicted first. */
export const MAX_DRAFTS = 50;
const DRAFT_INDEX = 'inbox-drafts';
/** Threads kept in memory (server data, no plaintext) for older pages and the next opening. */
const THREADS_KEPT = 8;
/**
 * How long a thread just read is reused (older pages, the next opening) instead of asking for the
 * context again: as long as the reader trusts the instance's answer about a status for the
 * reply-link check (the context is that answer), no longer.
 */
const THREAD_REUSE_MS = SERVER_STATUS_TTL * 1000;

interface ThreadStatuses {
  readonly last: InboxStatus;
  readonly ancestors: readonly InboxStatus[];
  readonly descendants: readonly InboxStatus[];
}
const SNIPPET = 140;
const snippet = (s: string): string => {
  const chars = Array.from(s.replace(/\s+/g, ' ').trim());
  return chars.slice(0, SNIPPET).join('') + (chars.length > SNIPPET ? '…' : '');
};

interface StoredDraft {
  readonly account: AccountRef;
  readonly self: string;
  readonly text: string;
  readonly recipients: readonly string[];
  readonly replyToStatusId: string | null;
  readonly replyMessageId: string | null;
  readonly maxChars: number;
  readonly job: SendJob | null;
  readonly progress: SendProgress | null;
  /** A reply whose recipients differ from the answered message's signed parties (finding 1). */
  readonly reply?: ReplyCheck | null;
}

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const isDraft = (x: unknown): x is StoredDraft =>
  isObj(x) &&
  isObj(x.account) &&
  typeof x.self === 'string' &&
  typeof x.text === 'string' &&
  Array.isArray(x.recipients) &&
  typeof x.maxChars === 'number';

export function problemOf(f: ApiFailure): InboxProblem {
  if (f.kind === 'status') {
    if (f.status === 401) return { result: 'revoked' };
    if (f.status === 429) return { result: 'rate_limited', retryAt: f.retryAt ?? null };
    if (f.status >= 500) return { result: 'network', message: f.message };
    return { result: 'refused', status: f.status };
  }
  return { result: 'network', message: f.message };
}

export function createInboxHandlers(deps: InboxDeps): InboxHandlers {
  const sending = new Set<string>();
  const maxChars = new Map<string, number>();
  /** account|conversation|last status id -> the instance's last answer (status + context), newest last. */
  const threads = new Map<string, { readonly thread: ThreadStatuses; readonly at: number }>();
  /** Thread answers whose statuses the reader was told about (the reply-link check's source). */
  const told = new WeakSet<ThreadStatuses>();
  /** Per account, how many times it was disconnected: a listing that started before must not save its list after. */
  const disconnects = new Map<string, number>();

  const allowed = (sender: SenderContext): boolean => sender.kind === 'extension-page' && INBOX_PAGES.has(sender.path);
  const forbidden = () => fail('forbidden_sender', 'not a Hush inbox page');

  async function selfOf(account: AccountRef): Promise<string | null> {
    const rec = (await deps.keyAccounts()).find(
      (a) => a.origin === account.origin && a.accountId === account.accountId,
    );
    if (rec !== undefined) return lower(rec.acct);
    const c = await deps.store.connection(account);
    return c === null ? null : lower(c.acct);
  }

  /** The token for a read or a post: the inbox's own (OAuth), else an open tab's. */
  async function tokenFor(account: AccountRef): Promise<{ token: string } | InboxProblem> {
    const own = await deps.store.token(account);
    if (own === 'locked') return { result: 'locked' };
    if (own !== 'none') return own;
    const page = await deps.pageToken(account);
    return page === null ? { result: 'no_token' } : { token: page };
  }

  async function ready(account: AccountRef): Promise<InboxProblem | null> {
    const check = await deps.services.checkRecipients(account, []);
    if (check.account === 'locked') return { result: 'locked' };
    if (check.account !== 'ready') return { result: 'not_enabled' };
    return null;
  }

  const hushKey = (a: AccountRef): string => `hush-inbox:hush-convs:${a.origin}|${a.accountId}`;
  async function hushConversations(a: AccountRef): Promise<Set<string>> {
    const got = (await deps.local.get([hushKey(a)]))[hushKey(a)];
    return new Set(Array.isArray(got) ? got.filter((x): x is string => typeof x === 'string') : []);
  }
  async function rememberHush(a: AccountRef, ...ids: string[]): Promise<void> {
    const set = await hushConversations(a);
    const add = ids.filter((id) => !set.has(id));
    if (add.length === 0) return;
    await deps.local.set({ [hushKey(a)]: [...set, ...add].slice(-2000) });
  }

  function seenOf(s: InboxStatus, home: string): SeenStatus {
    const full = (acct: string): string => lower(acct.includes('@') ? acct : `${acct}@${home}`);
    const t = Date.parse(s.created_at);
    return {
      statusId: s.id,
      text: htmlToText(s.content) ?? '',
      author: { acct: full(s.account.acct), actorUri: null },
      mentions: s.mentions.map((m) => full(m.acct)),
      serverTime: Number.isFinite(t) ? Math.floor(t / 1000) : null,
      extras: { cw: (s.spoiler_text ?? '') !== '', media: s.media_attachments.length > 0, card: s.card != null },
    };
  }

  /**
   * A poll or a quoted post on an encrypted status is the server's (or the sender's) addition, not
   * covered by the signature: marked like the content warning, media and card the reader marks
   * (review R3; the overlay's secure view does the same from the page).
   */
  function withExtras(v: ViewContent, s: InboxStatus): ViewContent {
    const poll = s.poll != null;
    const quote = s.quote != null;
    if (v.state !== 'message' || (!poll && !quote)) return v;
    const had = v.flags.find((f) => f.kind === 'unsigned_extras');
    const base =
      had?.kind === 'unsigned_extras'
        ? had
        : { kind: 'unsigned_extras' as const, cw: false, media: false, card: false };
    return { ...v, flags: [...v.flags.filter((f) => f.kind !== 'unsigned_extras'), { ...base, poll, quote }] };
  }

  /** The participants the list showed for a conversation: what a reply in its chat goes to (finding 1). */
  const listedKey = (a: AccountRef, id: string): string => `inbox-listed:${a.origin}|${a.accountId}|${id}`;
  async function listedOf(a: AccountRef, conversationId: string): Promise<string[] | null> {
    const got = (await deps.session.get([listedKey(a, conversationId)]))[listedKey(a, conversationId)];
    return Array.isArray(got) ? got.filter((x): x is string => typeof x === 'string') : null;
  }

  type Contacts = ReadonlyMap<string, { readonly trust: 'unverified' | 'verified' | 'changed' }>;
  /** The contacts now (read once per list, not once per conversation). */
  async function contactMap(account: AccountRef): Promise<Contacts> {
    return new Map((await deps.services.contactList(account)).map((c) => [lower(c.acct), c] as const));
  }
  function participantStates(map: Contacts, accts: readonly string[]): { acct: string; state: ParticipantState }[] {
    return accts.map((acct) => {
      const c = map.get(lower(acct));
      return { acct, state: c === undefined ? 'no_key' : c.trust === 'changed' ? 'changed' : c.trust };
    });
  }

  async function maxCharsOf(origin: string): Promise<number> {
    const known = maxChars.get(origin);
    if (known !== undefined) return known;
    const r = await deps.api.instance(origin);
    if (r.ok) maxChars.set(origin, r.value.maxChars);
    return r.ok ? r.value.maxChars : 500;
  }

  const draftKey = (a: AccountRef, key: string): string => `inbox-draft:${a.origin}|${a.accountId}|${key}`;
  async function getDraft(a: AccountRef, key: string): Promise<StoredDraft | null> {
    const got = (await deps.session.get([draftKey(a, key)]))[draftKey(a, key)];
    return isDraft(got) ? got : null;
  }
  /**
   * Drafts are bounded (storage.session has a quota and a draft per conversation ever opened would
   * grow without end): the index keeps draft keys in the order they were last written; beyond
   * MAX_DRAFTS the oldest go, except one whose message is partly posted (its job resumes it).
   */
  let draftIndex: Promise<void> = Promise.resolve();
  const putDraft = (a: AccountRef, key: string, d: StoredDraft): Promise<void> => {
    const k = draftKey(a, key);
    const run = draftIndex.then(async () => {
      const got = (await deps.session.get([DRAFT_INDEX]))[DRAFT_INDEX];
      const index = Array.isArray(got) ? got.filter((x): x is string => typeof x === 'string' && x !== k) : [];
      index.push(k);
      const evict: string[] = [];
      for (const old of index.slice(0, -1)) {
        if (index.length - evict.length <= MAX_DRAFTS) break;
        const draft = (await deps.session.get([old]))[old];
        if (sending.has(old) || (isDraft(draft) && draft.job !== null && draft.job.postedIds.length > 0)) continue;
        evict.push(old);
      }
      if (evict.length > 0) await deps.session.remove(evict);
      await deps.session.set({ [k]: d, [DRAFT_INDEX]: index.filter((x) => !evict.includes(x)) });
    });
    draftIndex = run.catch(() => undefined);
    return run;
  };

  const statusOf = (d: StoredDraft): Promise<ComposeStatus> =>
    draftStatus(
      deps.services,
      d.account,
      d.recipients.map((acct) => ({
        acct,
        source: d.replyToStatusId === null ? ('typed' as const) : ('reply' as const),
      })),
      d.text,
      d.maxChars,
      d.replyMessageId !== null,
    );

  const draftView = (d: StoredDraft | null): InboxDraft => ({
    text: d?.text ?? '',
    recipients: d?.recipients ?? [],
    replyToStatusId: d?.replyToStatusId ?? null,
    progress: d?.progress ?? null,
  });

  async function emptyDraft(account: AccountRef): Promise<StoredDraft> {
    return {
      account,
      self: (await selfOf(account)) ?? '',
      text: '',
      recipients: [],
      replyToStatusId: null,
      replyMessageId: null,
      maxChars: await maxCharsOf(account.origin),
      job: null,
      progress: null,
    };
  }

  const plainKey = (a: AccountRef): string => `hush-inbox:plain-convs:${a.origin}|${a.accountId}`;
  /** Conversations whose thread was looked through for a Hush message and had none, as "id:last status id". */
  async function probedPlain(a: AccountRef): Promise<Set<string>> {
    const got = (await deps.local.get([plainKey(a)]))[plainKey(a)];
    return new Set(Array.isArray(got) ? got.filter((x): x is string => typeof x === 'string') : []);
  }

  /**
   * Who a conversation is with, as the inbox shows it. When its last status is a Hush message that
   * verified, the SIGNED sender and recipients (the instance's `accounts` list is only its claim:
   * it can pair any status with any people); otherwise the instance's list, every one marked
   * 'unconfirmed', never with a contact's verification state it has not earned.
   */
  async function participantsOf(
    account: AccountRef,
    self: string,
    statusId: string | null,
    claimed: readonly string[],
    contacts: Contacts,
  ): Promise<ConversationItem['participants']> {
    if (statusId !== null) {
      const m = await deps.reader.messageOf(account, statusId);
      if (m !== null && m !== 'locked') {
        const handles = await deps.services.handlesOf(account, [
          m.sender.actorUri,
          ...m.recipients.map((r) => r.actorUri),
        ]);
        const signed = [...new Set(handles.filter((h): h is string => h !== null).map(lower))].filter(
          (h) => h !== self,
        );
        if (handles[0] !== null) return participantStates(contacts, signed.slice(0, MAX_PARTICIPANTS));
      }
    }
    return [...new Set(claimed)]
      .filter((a) => a !== self)
      .slice(0, MAX_PARTICIPANTS)
      .map((acct) => ({ acct, state: 'unconfirmed' as const }));
  }

  /**
   * The last answered first page of the list, per account, SEALED with the account's local key
   * (KeyServices.sealLocal, as the decryption cache) in storage.local: the inbox shows it at once
   * while the instance answers. Each Hush preview keeps its signed sender's key (never sent to the
   * page) so that its badge is looked up now, like the participants' states: no trust is cached.
   */
  const knownKey = (a: AccountRef): string => `hush-inbox:known-list:${a.origin}|${a.accountId}`;
  type SignedBy = { readonly actorUri: string; readonly fingerprint: string; readonly createdAt: number };
  interface KnownList {
    readonly v: 1;
    readonly items: readonly ConversationItem[];
    readonly next: string | null;
    /** Per item (same order): the signed sender of its Hush preview, when it verified. */
    readonly signers: readonly (SignedBy | null)[];
  }
  async function saveKnown(account: AccountRef, known: KnownList, generation: number): Promise<void> {
    const sealed = await deps.services.sealLocal(account, new TextEncoder().encode(JSON.stringify(known)));
    // Checked right before the write (no await between): a disconnect meanwhile keeps it unsaved.
    if (sealed instanceof Uint8Array && (disconnects.get(accountKey(account)) ?? 0) === generation)
      await deps.local.set({ [knownKey(account)]: b64std(sealed) });
  }
  async function loadKnown(account: AccountRef): Promise<KnownList | null> {
    const sealed = unb64std((await deps.local.get([knownKey(account)]))[knownKey(account)]);
    if (sealed === undefined) return null;
    const opened = await deps.services.openLocal(account, sealed);
    if (!(opened instanceof Uint8Array)) return null;
    try {
      const k = JSON.parse(new TextDecoder().decode(opened)) as Partial<KnownList>;
      // Authenticated (sealed by this background), but from an older version maybe: shape-checked.
      if (k.v !== 1 || !Array.isArray(k.items) || !Array.isArray(k.signers) || k.items.length !== k.signers.length)
        return null;
      return { v: 1, items: k.items, next: typeof k.next === 'string' ? k.next : null, signers: k.signers };
    } catch {
      return null;
    }
  }
  /** The known list with every badge from the contacts now. */
  async function knownNow(account: AccountRef, known: KnownList): Promise<ConversationItem[]> {
    const contacts = await contactMap(account);
    return Promise.all(
      known.items.map(async (item, i) => {
        const participants = item.participants.map((p) =>
          p.state === 'unconfirmed' ? p : (participantStates(contacts, [p.acct])[0] ?? p),
        );
        const by = known.signers[i] ?? null;
        if (item.preview.kind !== 'hush' || item.preview.sender === null) return { ...item, participants };
        // No signer kept (an older record): its trust cannot be looked up now, and the one sealed
        // then is never shown; neither is its text, until the instance's answer replaces the row.
        if (by === null)
          return {
            ...item,
            participants,
            preview: { ...item.preview, state: 'unreachable', text: null, sender: null },
          };
        const trust = await deps.services.senderTrust(account, by, by.createdAt);
        const sender = { acct: trust.acct, trust: trust.kind };
        // As listPage: a key revoked since the list was sealed takes the text out of the preview,
        // and a signer whose handle changed since is checked against the participants again.
        const text = textHidden(sender) ? null : item.preview.text;
        const senderListed =
          sender.trust === 'self' ||
          (sender.acct !== null && participants.some((p) => p.acct === lower(sender.acct ?? '')));
        return { ...item, participants, preview: { ...item.preview, sender, text, senderListed } };
      }),
    );
  }

  /**
   * Registers the earlier parts of the chunk thread `last` ends (walking its reply links, at most
   * ASSEMBLE_PARTS statuses, stopping at the first part): the reader then verifies the message as a
   * whole. Whatever the instance answers is only registered, never trusted: a part that is not
   * genuine cannot verify. True when something was registered.
   */
  async function assemble(account: AccountRef, token: string, home: string, last: InboxStatus): Promise<boolean> {
    let id = last.in_reply_to_id ?? null;
    let added = false;
    for (let hop = 0; hop < ASSEMBLE_PARTS && id !== null; hop++) {
      const r = await deps.api.status(account.origin, token, id);
      if (!r.ok || r.value.visibility !== 'direct') break;
      const seen = seenOf(r.value, home);
      if (!seen.text.includes(STATUS_PREFIX)) break;
      const opened = await deps.reader.open(account, seen);
      if (opened.kind !== 'part') break;
      added = true;
      if (opened.index === 0) break;
      id = r.value.in_reply_to_id ?? null;
    }
    return added;
  }

  /** One page of /api/v1/conversations as list items: Hush conversations only, each last status once. */
  async function listPage(
    account: AccountRef,
    token: string,
    self: string,
    home: string,
    page: readonly ConversationJson[],
    shown: Set<string>,
    budget: { probes: number; assemble: number },
    signers: Map<string, SignedBy>,
  ): Promise<ConversationItem[]> {
    const [known, plain, contacts] = await Promise.all([
      hushConversations(account),
      probedPlain(account),
      contactMap(account),
    ]);
    const full = (acct: string): string => lower(acct.includes('@') ? acct : `${acct}@${home}`);
    // One entry per last status: an instance listing one status under two conversations shows it once.
    const withLast = page.filter((c): c is ConversationJson & { last_status: InboxStatus } => {
      if (c.last_status == null || shown.has(c.last_status.id)) return false;
      shown.add(c.last_status.id);
      return true;
    });
    const seen = withLast.map((c) => seenOf(c.last_status, home));
    const hush = seen.map((s) => s.text.includes(STATUS_PREFIX));
    // A conversation whose newest status is plain may hold older Hush messages: its thread is
    // looked through once per last status (bounded per listing), newest first.
    const probe = withLast.map(
      (c, i) =>
        !hush[i] &&
        !known.has(c.id) &&
        c.last_status.visibility === 'direct' &&
        !plain.has(`${c.id}:${c.last_status.id}`),
    );
    const toProbe = withLast.filter((_, i) => probe[i]).slice(0, Math.max(0, budget.probes));
    budget.probes -= toProbe.length;
    const found = await Promise.all(
      toProbe.map(async (c) => {
        const ctx = await deps.api.context(account.origin, token, c.last_status.id);
        if (!ctx.ok) return null; // No verdict: asked again next time.
        return [...ctx.value.ancestors, ...ctx.value.descendants].some(
          (x) => x.visibility === 'direct' && (htmlToText(x.content) ?? '').includes(STATUS_PREFIX),
        );
      }),
    );
    const newPlain: string[] = [];
    for (const [i, c] of toProbe.entries()) {
      if (found[i] === true) {
        await rememberHush(account, c.id);
        known.add(c.id);
      } else if (found[i] === false) newPlain.push(`${c.id}:${c.last_status.id}`);
    }
    if (newPlain.length > 0) await deps.local.set({ [plainKey(account)]: [...plain, ...newPlain].slice(-2000) });
    // Register every Hush last status first (one turn), then read their views.
    await Promise.all(seen.map((s, i) => (hush[i] ? deps.reader.open(account, s) : Promise.resolve(null))));
    // The rows side by side (each view and its participants are storage reads and maybe a
    // decryption), and the new Hush conversation ids written once.
    const listed = await Promise.all(
      withLast.map(async (c, i): Promise<ConversationItem | null> => {
        const s = seen[i] as SeenStatus;
        if (!hush[i] && !known.has(c.id)) return null;
        const claimed = c.accounts.map((a) => full(a.acct));
        let preview: ConversationItem['preview'];
        let participants: ConversationItem['participants'];
        if (hush[i]) {
          // A one-line preview: no reply context (the list shows none). The signed sender is named
          // (findings 3, 4): one not among the participants shown (nor the user) is flagged, and the
          // reader's flags and the signed time travel with the preview.
          let read = await deps.reader.viewAndSigner(account, s.statusId, { brief: true });
          if (read.view.state === 'incomplete' && budget.assemble > 0) {
            budget.assemble--;
            if (await assemble(account, token, home, c.last_status))
              read = await deps.reader.viewAndSigner(account, s.statusId, { brief: true });
          }
          const v = withExtras(read.view, c.last_status);
          participants = await participantsOf(
            account,
            self,
            v.state === 'message' ? s.statusId : null,
            claimed,
            contacts,
          );
          const signed = v.sender === null ? null : { acct: v.sender.acct, trust: v.sender.trust };
          // The signer whose trust this preview names, per last status (unique in a listing; a
          // conversation id may be listed twice by a lying instance), for the sealed known list.
          if (read.signer !== null) signers.set(s.statusId, read.signer);
          const senderListed =
            signed === null ||
            signed.trust === 'self' ||
            (signed.acct !== null && participants.some((p) => p.acct === lower(signed.acct ?? '')));
          preview = {
            kind: 'hush',
            state: v.state,
            // Signed with a revoked key: not authentic, so its text is never in the list (the
            // chat shows it only on an explicit choice, as the view frame does).
            text: v.plaintext === null || textHidden(signed) ? null : snippet(v.plaintext),
            reason: v.reason,
            sender: signed,
            senderListed,
            flags: v.flags,
            createdAt: v.createdAt,
          };
        } else {
          preview = { kind: 'plain', text: snippet(s.text) };
          participants = await participantsOf(account, self, null, claimed, contacts);
        }
        return { id: c.id, unread: c.unread, participants, lastStatusId: s.statusId, at: s.serverTime ?? 0, preview };
      }),
    );
    const fresh = withLast.filter((c, i) => hush[i] && !known.has(c.id)).map((c) => c.id);
    if (fresh.length > 0) await rememberHush(account, ...fresh);
    return listed.filter((x): x is ConversationItem => x !== null);
  }

  /**
   * The thread's messages: the newest `limit` (at most THREAD_PAGE) before `before`, verified and
   * decrypted now; none of the others is decrypted for this answer (the chat asks for its first
   * screen, then for the rest in batches).
   */
  async function threadAnswer(
    account: AccountRef,
    conversationId: string,
    thread: ThreadStatuses,
    before: string | null,
    limit: number,
  ): Promise<{
    result: 'ok';
    messages: ThreadMessage[];
    older: string | null;
    participants: string[];
  }> {
    const self = (await selfOf(account)) ?? '';
    const home = self.slice(self.lastIndexOf('@') + 1);
    // Only direct statuses belong to a private conversation; one entry per id, oldest first.
    const all = new Map<string, InboxStatus>();
    for (const s of [...thread.ancestors, thread.last, ...thread.descendants])
      if (s.visibility === 'direct') all.set(s.id, s);
    const ordered = [...all.values()].sort((a, b) => byId(a.id, b.id));
    const seen = ordered.map((s) => seenOf(s, home));
    const isHush = seen.map((s) => s.text.includes(STATUS_PREFIX));
    // The context is the instance's own answer about each status (reply link and text): the
    // reply-link check reads it from there instead of asking for every status again. Once per
    // answer: a later page of the same answer does not make it count as newer than it is.
    if (!told.has(thread)) {
      told.add(thread);
      for (const s of [...thread.ancestors, thread.last, ...thread.descendants]) {
        await deps.reader.knowServerStatus(account, s.id, {
          inReplyToId: s.in_reply_to_id ?? null,
          text: hushTextOf(s.content),
        });
      }
    }
    // Every status is registered (in order: first seen first), so parts join their message; only
    // the page asked for is then verified and decrypted, not the whole history.
    for (const [i, s] of seen.entries()) if (isHush[i]) await deps.reader.open(account, s);
    type Entry = {
      statusIds: string[];
      author: string;
      mine: boolean;
      serverTime: number | null;
      plain: string | null;
      status: InboxStatus;
    };
    const entries: Entry[] = [];
    const firstOf = new Map<string, Entry>();
    for (const [i, s] of seen.entries()) {
      const st = ordered[i] as InboxStatus;
      if (!isHush[i]) {
        // A plain DM is the server's word anyway (shown as not encrypted): its account id says whose.
        entries.push({
          statusIds: [s.statusId],
          author: s.author.acct,
          mine: st.account.id === account.accountId,
          serverTime: s.serverTime,
          plain: s.text,
          status: st,
        });
        continue;
      }
      const part = deps.reader.partOf(account, s.statusId);
      if (part !== null && part.index > 0) {
        const first = firstOf.get(part.group);
        if (first !== undefined) {
          first.statusIds.push(s.statusId);
          continue;
        }
      }
      const e: Entry = {
        statusIds: [s.statusId],
        author: s.author.acct,
        mine: false,
        serverTime: s.serverTime,
        plain: null,
        status: st,
      };
      if (part !== null) firstOf.set(part.group, e);
      entries.push(e);
    }
    if (isHush.some(Boolean)) await rememberHush(account, conversationId);
    // History: the newest `limit` before `before` (a status id), and whether older ones exist.
    const end = before === null ? entries.length : entries.findIndex((m) => m.statusIds[0] === before);
    // A cursor no longer in the thread (deleted, or dropped by the instance) gives nothing older:
    // never the newest page, which the chat would draw above the oldest (attack review F4).
    const stop = end >= 0 ? end : before === null ? entries.length : 0;
    const start = Math.max(0, stop - Math.min(limit, THREAD_PAGE));
    // Verified and decrypted all at once first (with the message before the page, which most
    // replies answer), so each view below finds the message its reply context names.
    const firstId = (e: Entry | undefined): string | null =>
      e !== undefined && e.plain === null ? (e.statusIds[0] ?? null) : null;
    await Promise.all(
      entries.slice(Math.max(0, start - 1), stop).map((e) => {
        const id = firstId(e);
        return id === null ? Promise.resolve(null) : deps.reader.messageOf(account, id);
      }),
    );
    const messages: ThreadMessage[] = await Promise.all(
      entries.slice(start, stop).map(async (e) => {
        const base = { statusIds: e.statusIds, author: e.author, serverTime: e.serverTime };
        if (e.plain !== null) return { ...base, mine: e.mine, hush: null, plain: e.plain };
        const view = withExtras(await deps.reader.view(account, e.statusIds[0] as string), e.status);
        // "You" for a Hush message only when the signed sender is the user (finding 2): the
        // instance's account id on the status is only its claim.
        return { ...base, mine: view.state === 'message' && view.sender?.trust === 'self', hush: view, plain: null };
      }),
    );
    const participants = [...new Set(seen.flatMap((s) => [s.author.acct, ...s.mentions]))].filter((a) => a !== self);
    return {
      result: 'ok' as const,
      messages,
      older: start > 0 ? (entries[start]?.statusIds[0] ?? null) : null,
      participants,
    };
  }

  return {
    'inbox/state': async (_p, sender) => {
      if (!allowed(sender)) return forbidden();
      const [keyed, conns, lock, phrase] = await Promise.all([
        deps.keyAccounts(),
        deps.store.connections(),
        deps.lockState(),
        deps.phrase(),
      ]);
      const out: InboxAccount[] = [];
      const seen = new Set<string>();
      for (const a of keyed) {
        const ref = { origin: a.origin, accountId: a.accountId };
        seen.add(`${a.origin}|${a.accountId}`);
        const oauth = conns.some((c) => c.origin === a.origin && c.accountId === a.accountId);
        out.push({
          ...ref,
          acct: a.acct,
          enabled: a.active,
          connection: oauth ? 'oauth' : (await deps.hasTab(ref)) ? 'tab' : 'none',
        });
      }
      for (const c of conns)
        if (!seen.has(`${c.origin}|${c.accountId}`))
          out.push({ origin: c.origin, accountId: c.accountId, acct: c.acct, enabled: false, connection: 'oauth' });
      return { locked: lock.locked, hasPassphrase: lock.hasPassphrase, phrase, accounts: out };
    },

    'inbox/connect': async (
      { instance },
      sender,
    ): Promise<InboxResponses['inbox/connect'] | ReturnType<typeof forbidden>> => {
      if (!allowed(sender)) return forbidden();
      const origin = instanceOrigin(instance, deps.allowHttpLoopback);
      if (origin === null) return { result: 'bad_instance' };
      if ((await deps.lockState()).locked) return { result: 'locked' };
      // The redirect is the extension's own (identity.getRedirectURL()): only this extension's
      // auth flow can receive it; the browser ends the flow there and hands the URL back to us.
      const redirectUri = deps.identity.redirectUrl();
      let app = await deps.store.app(origin, redirectUri);
      if (app === null) {
        const reg = await deps.api.registerApp(origin, redirectUri, INBOX_SCOPES);
        if (!reg.ok) return { result: 'network', message: reg.kind === 'status' ? `HTTP ${reg.status}` : reg.message };
        app = {
          origin,
          redirectUri,
          clientId: reg.value.clientId,
          clientSecret: reg.value.clientSecret,
          scopes: [...INBOX_SCOPES],
        };
        await deps.store.putApp(app);
      }
      const verifier = randomToken();
      const state = randomToken();
      const url = authorizeUrl(origin, {
        clientId: app.clientId,
        redirectUri,
        state,
        challenge: await challengeS256(verifier),
        scopes: INBOX_SCOPES,
      });
      let final: string;
      try {
        final = await deps.identity.launch(url);
      } catch {
        return { result: 'cancelled' };
      }
      const back = parseRedirect(final, redirectUri, state);
      if (!back.ok)
        return {
          result:
            back.reason === 'denied' ? 'denied' : back.reason === 'state_mismatch' ? 'state_mismatch' : 'cancelled',
        };
      const tok = await deps.api.exchange(origin, {
        clientId: app.clientId,
        clientSecret: app.clientSecret,
        redirectUri,
        code: back.code,
        verifier,
        scopes: INBOX_SCOPES,
      });
      if (!tok.ok) return { result: 'network', message: tok.kind === 'status' ? `HTTP ${tok.status}` : tok.message };
      const me = await deps.api.verifyCredentials(origin, tok.value.token);
      const revoke = () =>
        deps.api.revoke(origin, { clientId: app.clientId, clientSecret: app.clientSecret, token: tok.value.token });
      if (!me.ok) {
        await revoke();
        return { result: 'network', message: me.kind === 'status' ? `HTTP ${me.status}` : me.message };
      }
      const account = { origin, accountId: me.value.id };
      const known = (await deps.keyAccounts()).find((a) => a.origin === origin && a.accountId === me.value.id);
      const acct =
        known?.acct ?? (me.value.acct.includes('@') ? me.value.acct : `${me.value.acct}@${new URL(origin).hostname}`);
      const stored = await deps.store.connect(
        account,
        lower(acct),
        tok.value.token,
        tok.value.scopes,
        await deps.now(),
      );
      if (stored !== 'ok') {
        // Nothing to seal it with (Hush is not enabled for this account here): do not keep a token.
        await revoke();
        return { result: stored };
      }
      return { result: 'connected', acct: lower(acct) };
    },

    'inbox/disconnect': async ({ account }, sender) => {
      if (!allowed(sender)) return forbidden();
      // First, before any await: a listing still running must not write its list back, and the
      // threads kept in memory for this account go.
      const ak = accountKey(account);
      disconnects.set(ak, (disconnects.get(ak) ?? 0) + 1);
      for (const k of [...threads.keys()]) if (k.startsWith(`${ak}|`)) threads.delete(k);
      const own = await deps.store.token(account);
      const app = (await deps.store.apps()).find((a) => a.origin === account.origin);
      let revoked = false;
      if (typeof own === 'object' && app !== undefined)
        revoked = await deps.api.revoke(account.origin, {
          clientId: app.clientId,
          clientSecret: app.clientSecret,
          token: own.token,
        });
      await deps.store.forget(account);
      await deps.local.remove([knownKey(account)]);
      return { revoked };
    },

    'inbox/conversations': async ({ account, cursor, known }, sender) => {
      if (!allowed(sender)) return forbidden();
      const generation = disconnects.get(accountKey(account)) ?? 0;
      if (known === true) {
        const notReady = await ready(account);
        if (notReady !== null) return notReady;
        const k = cursor === null ? await loadKnown(account) : null;
        if (k === null) return { result: 'ok' as const, items: [], next: null, apiMs: 0, source: 'none' as const };
        return {
          result: 'ok' as const,
          items: await knownNow(account, k),
          next: k.next,
          apiMs: 0,
          source: 'known' as const,
        };
      }
      // Independent reads side by side (each is a storage round trip), and the local ones beside the request.
      const [notReady, tok] = await Promise.all([ready(account), tokenFor(account)]);
      if (notReady !== null) return notReady;
      if (!('token' in tok)) return tok;
      const self = (await selfOf(account)) ?? '';
      const home = self.slice(self.lastIndexOf('@') + 1);
      const items: ConversationItem[] = [];
      const shown = new Set<string>();
      const budget = { probes: LIST_PROBES, assemble: LIST_ASSEMBLE };
      const signers = new Map<string, SignedBy>();
      // The listing gap: Hush conversations behind pages of plain ones. Pages are read until a
      // screenful of Hush conversations is found, at most LIST_PAGES, always from the account's
      // own instance (nextCursor keeps only a max_id), and never the same cursor twice.
      const used = new Set<string>(cursor === null ? [] : [cursor]);
      let at = cursor;
      let next: string | null = null;
      let apiMs = 0;
      for (let page = 0; page < LIST_PAGES; page++) {
        const t0 = Date.now();
        const r = await deps.api.conversations(account.origin, tok.token, at);
        apiMs += Date.now() - t0;
        if (!r.ok) {
          if (page === 0) return problemOf(r);
          next = at; // What was found is shown; "More" asks for this page again.
          break;
        }
        items.push(...(await listPage(account, tok.token, self, home, r.value.items, shown, budget, signers)));
        next = r.value.next !== null && !used.has(r.value.next) ? r.value.next : null;
        if (next === null || items.length >= LIST_TARGET) break;
        used.add(next);
        at = next;
      }
      // What a reply in each chat goes to (finding 1): the participants as the list shows them.
      if (items.length > 0)
        await deps.session.set(
          Object.fromEntries(items.map((i) => [listedKey(account, i.id), i.participants.map((p) => p.acct)])),
        );
      // The first page, sealed, for the next opening (not awaited: the answer does not wait for it).
      if (cursor === null)
        void saveKnown(
          account,
          { v: 1, items, next, signers: items.map((i) => signers.get(i.lastStatusId) ?? null) },
          generation,
        ).catch(() => undefined);
      return { result: 'ok' as const, items, next, apiMs, source: 'instance' as const };
    },

    'inbox/thread': async ({ account, conversationId, lastStatusId, before, known, limit }, sender) => {
      if (!allowed(sender)) return forbidden();
      const cacheKey = `${accountKey(account)}|${conversationId}|${lastStatusId}`;
      const kept = threads.get(cacheKey);
      const cached = kept !== undefined && Date.now() - kept.at < THREAD_REUSE_MS ? kept : undefined;
      if (known === true) {
        // The thread as the instance answered it moments ago (this worker's memory, server data
        // only): shown while the instance answers again. Decryption and badges are done now.
        const notReady = await ready(account);
        if (notReady !== null) return notReady;
        if (cached === undefined)
          return { result: 'ok' as const, messages: [], older: null, participants: [], source: 'none' as const };
      }
      let thread: ThreadStatuses;
      if (known === true && cached !== undefined) thread = cached.thread;
      else if (before !== null && cached !== undefined) {
        // An older page of a thread just read: the same answer, not the whole context again.
        const notReady = await ready(account);
        if (notReady !== null) return notReady;
        thread = cached.thread;
      } else {
        const [notReady, tok] = await Promise.all([ready(account), tokenFor(account)]);
        if (notReady !== null) return notReady;
        if (!('token' in tok)) return tok;
        const [last, ctx] = await Promise.all([
          deps.api.status(account.origin, tok.token, lastStatusId),
          deps.api.context(account.origin, tok.token, lastStatusId),
        ]);
        if (!last.ok) return problemOf(last);
        if (!ctx.ok) return problemOf(ctx);
        thread = { last: last.value, ancestors: ctx.value.ancestors, descendants: ctx.value.descendants };
        threads.delete(cacheKey);
        threads.set(cacheKey, { thread, at: Date.now() });
        for (const k of [...threads.keys()].slice(0, Math.max(0, threads.size - THREADS_KEPT))) threads.delete(k);
      }
      const answer = await threadAnswer(account, conversationId, thread, before, limit ?? THREAD_PAGE);
      return { ...answer, source: known === true ? ('known' as const) : ('instance' as const) };
    },

    'inbox/mark-read': async ({ account, conversationId }, sender) => {
      if (!allowed(sender)) return forbidden();
      const tok = await tokenFor(account);
      if (!('token' in tok)) return tok;
      const r = await deps.api.markRead(account.origin, tok.token, conversationId);
      return r.ok ? { result: 'ok' as const } : problemOf(r);
    },

    'inbox/search': async ({ account, query }, sender) => {
      if (!allowed(sender)) return forbidden();
      const q = query.trim().replace(/^@/, '');
      if (q.replace(/@.*$/, '').length < 2) return { result: 'ok' as const, accounts: [] };
      const tok = await tokenFor(account);
      if (!('token' in tok)) return tok;
      const r = await deps.api.searchAccounts(account.origin, q, tok.token, q.includes('@'));
      if (!r.ok) return problemOf(r);
      const self = (await selfOf(account)) ?? '';
      const home = self.slice(self.lastIndexOf('@') + 1);
      const accts = [...new Set(r.value.map((a) => lower(a.acct.includes('@') ? a.acct : `${a.acct}@${home}`)))]
        .filter((a) => a !== self && /^[\w.-]+@[\w.:-]+$/.test(a))
        .slice(0, 5);
      // The overlay's completion ranking (finding 5): pinned contacts first, look-alikes marked. No
      // lookup here: a result that is not a contact is checked (and its key pinned) only once the
      // user adds it, as when typing it in the editor.
      const contacts = await deps.services.contactList(account);
      const ranked = rankCompletions(
        contacts.filter((c) => lower(c.acct) !== self),
        q,
        accts.map((acct) => ({ acct, hasKey: false })),
      );
      return {
        result: 'ok' as const,
        accounts: ranked.map((c) => ({
          acct: lower(c.acct),
          ready: c.contact && c.hasKey,
          state: c.contact ? (c.hasKey ? ('ready' as const) : ('not_ready' as const)) : ('unchecked' as const),
          contact: c.contact,
          lookalikeOf: c.lookalikeOf,
        })),
      };
    },

    'inbox/draft-get': async ({ account, key }, sender) => {
      if (!allowed(sender)) return forbidden();
      const d = (await getDraft(account, key)) ?? (await emptyDraft(account));
      return { draft: draftView(d), status: await statusOf(d), reply: d.reply ?? null };
    },

    'inbox/draft-set': async ({ account, key, text, recipients, replyToStatusId, confirm }, sender) => {
      if (!allowed(sender)) return forbidden();
      const before = (await getDraft(account, key)) ?? (await emptyDraft(account));
      // While parts of a message are out, its text and recipients are fixed.
      if ((before.job !== null && before.job.postedIds.length > 0) || sending.has(draftKey(account, key)))
        return { status: await statusOf(before), reply: before.reply ?? null };
      const clean = (list: readonly string[]): string[] =>
        [...new Set(list.map((r) => lower(r.replace(/^@/, ''))))].filter(
          (r) => /^[\w.-]+@[\w.:-]+$/.test(r) && r !== before.self,
        );
      let next: StoredDraft;
      if (replyToStatusId !== null) {
        // A reply in a chat goes to the conversation's participants as the list showed them to the
        // user (remembered by the background; the inbox page's list when there is none), cross-
        // checked with the signed parties of the answered message. The server's thread can put
        // anyone's message there (finding 1): a difference is shown and blocks Send until confirmed.
        const listed = clean((key.startsWith('c') ? await listedOf(account, key.slice(1)) : null) ?? recipients);
        const m = await deps.reader.messageOf(account, replyToStatusId);
        let to = listed;
        let messageId: string | null = null;
        let reply: ReplyCheck | null = null;
        if (m !== null && m !== 'locked') {
          const handles = await deps.services.handlesOf(account, [
            m.sender.actorUri,
            ...m.recipients.map((r) => r.actorUri),
          ]);
          const signed = clean(handles.filter((h): h is string => h !== null));
          if (to.length === 0) to = signed;
          const notListed = signed.filter((h) => !to.includes(h));
          const notSigned = to.filter((h) => !signed.includes(h));
          if (notListed.length === 0 && notSigned.length === 0) messageId = m.messageId;
          else {
            const sender = (await deps.services.handlesOf(account, [m.sender.actorUri]))[0] ?? null;
            const same =
              before.reply != null &&
              before.replyToStatusId === replyToStatusId &&
              before.reply.notListed.join(' ') === notListed.join(' ') &&
              before.reply.notSigned.join(' ') === notSigned.join(' ');
            // Confirmed: the reply goes to the listed participants, linked to nothing (neither the
            // signed reply link nor in_reply_to): they may never have had the answered message,
            // and threading under it would file the reply in the injected message's conversation.
            reply = {
              notListed,
              notSigned,
              sender: sender === null ? null : lower(sender),
              confirmed: confirm === true || (same && before.reply?.confirmed),
            };
          }
        }
        next = { ...before, text, recipients: to, replyToStatusId, replyMessageId: messageId, reply };
      } else {
        next = {
          ...before,
          text,
          recipients: clean(recipients),
          replyToStatusId: null,
          replyMessageId: null,
          reply: null,
        };
      }
      const changed =
        next.text !== before.text ||
        next.recipients.join(' ') !== before.recipients.join(' ') ||
        next.replyToStatusId !== before.replyToStatusId;
      if (changed) next = { ...next, job: null, progress: null };
      await putDraft(account, key, next);
      return { status: await statusOf(next), reply: next.reply ?? null };
    },

    'inbox/send': async ({ account, key }, sender) => {
      if (!allowed(sender)) return forbidden();
      const id = draftKey(account, key);
      const d = await getDraft(account, key);
      if (d === null) return { phase: 'failed' as const, done: 0, total: 0, problem: { kind: 'empty' as const } };
      if (sending.has(id)) return d.progress ?? { phase: 'sending' as const, done: 0, total: 0 };
      // Never encrypted to a reply list that differs from the answered message's parties unless the user confirmed it.
      if (d.job === null && d.reply != null && !d.reply.confirmed)
        return { phase: 'failed' as const, done: 0, total: 0, problem: { kind: 'unconfirmed_recipients' as const } };
      sending.add(id);
      try {
        const latest = async (): Promise<StoredDraft> => (await getDraft(account, key)) ?? d;
        const r = await sendDraft(
          {
            services: deps.services,
            reader: deps.reader,
            statusApi: deps.statusApi,
            now: deps.now,
            token: async (a) => {
              const t = await tokenFor(a);
              return 'token' in t ? t.token : null;
            },
          },
          {
            account,
            self: d.self,
            text: d.text,
            recipients: d.recipients,
            reply:
              d.replyToStatusId === null || d.reply != null
                ? null
                : { statusId: d.replyToStatusId, messageId: d.replyMessageId },
            maxChars: d.maxChars,
            job: d.job,
          },
          {
            status: () => statusOf(d),
            keep: async (job, progress) => putDraft(account, key, { ...(await latest()), job, progress }),
            progress: async (job) =>
              putDraft(account, key, {
                ...(await latest()),
                job,
                progress: { phase: 'sending', done: job.postedIds.length, total: job.statuses.length },
              }),
          },
        );
        if (r.sent) await putDraft(account, key, { ...(await latest()), text: '', job: null, progress: r.progress });
        return r.progress;
      } finally {
        sending.delete(id);
      }
    },

    'inbox/invite': async ({ account, recipients }, sender) => {
      if (!allowed(sender)) return forbidden();
      const tok = await tokenFor(account);
      if (!('token' in tok)) return tok;
      const to = recipients.map((r) => lower(r.replace(/^@/, ''))).filter((r) => /^[\w.-]+@[\w.:-]+$/.test(r));
      const r = await deps.statusApi.post(account.origin, tok.token, {
        status: invitationText(to),
        inReplyToId: null,
        allowedMentions: null,
        idempotencyKey: `hush-invite-${randomToken()}`,
      });
      return r.ok ? { result: 'ok' as const } : problemOf(r);
    },
  };
}
