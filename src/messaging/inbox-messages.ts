/**
 * Runtime messages of the Hush inbox (issue #18): the extension page `inbox.html` (side panel,
 * sidebar or tab) and the popup talk to the background's inbox service. Extension pages only; the
 * background also checks the sender's path (background/inbox/service.ts). Plaintext goes only to
 * the inbox page; tokens, PKCE verifiers and client secrets never leave the background.
 */
import * as v from 'valibot';
import type { RequestSpec } from './messages';
import type { ComposeStatus, SendProgress, TrustKind, ViewContent, ViewFlag } from './overlay-messages';

const Account = v.strictObject({
  origin: v.pipe(v.string(), v.maxLength(300), v.regex(/^https?:\/\/[^/\s]+$/)),
  accountId: v.pipe(v.string(), v.minLength(1), v.maxLength(64)),
});
const Id = v.pipe(v.string(), v.regex(/^[0-9A-Za-z_-]{1,64}$/));
const Acct = v.pipe(v.string(), v.minLength(1), v.maxLength(400));
/** A draft's key: a conversation id, or "new" for the new-conversation composer. */
const DraftKey = v.pipe(v.string(), v.regex(/^(new|c[0-9A-Za-z_-]{1,64})$/));
const PAGE = ['extension-page'] as const;
/** A thread's messages per answer, at most (`inbox/thread` `limit`). */
export const THREAD_PAGE = 30;

export const inboxRequests = {
  'inbox/state': { payload: v.strictObject({}), from: PAGE },
  /** Connect an account through OAuth on this instance (a domain or an https origin). */
  'inbox/connect': {
    payload: v.strictObject({ instance: v.pipe(v.string(), v.minLength(1), v.maxLength(300)) }),
    from: PAGE,
  },
  /** Revoke the account's OAuth token (POST /oauth/revoke) and forget it. */
  'inbox/disconnect': { payload: v.strictObject({ account: Account }), from: PAGE },
  /**
   * A page of the conversation list. `known`: instead of asking the instance, the first page as it
   * was last answered (sealed with the account's local key in storage.local), its badges taken from
   * the contacts now: the inbox shows it while the instance answers.
   */
  'inbox/conversations': {
    payload: v.strictObject({ account: Account, cursor: v.nullable(Id), known: v.optional(v.boolean()) }),
    from: PAGE,
  },
  /** The conversation's messages: the thread around its last status, newest `limit` before `before` (a status id). */
  'inbox/thread': {
    /** `known`: from the thread as the instance last answered it (kept in the background's memory), or source 'none'. */
    payload: v.strictObject({
      account: Account,
      conversationId: Id,
      lastStatusId: Id,
      before: v.nullable(Id),
      known: v.optional(v.boolean()),
      /** How many messages (default and at most THREAD_PAGE): the chat asks for one screen first. */
      limit: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(THREAD_PAGE))),
    }),
    from: PAGE,
  },
  'inbox/mark-read': { payload: v.strictObject({ account: Account, conversationId: Id }), from: PAGE },
  'inbox/search': {
    payload: v.strictObject({ account: Account, query: v.pipe(v.string(), v.maxLength(200)) }),
    from: PAGE,
  },
  'inbox/draft-get': { payload: v.strictObject({ account: Account, key: DraftKey }), from: PAGE },
  'inbox/draft-set': {
    payload: v.strictObject({
      account: Account,
      key: DraftKey,
      text: v.pipe(v.string(), v.maxLength(20_000)),
      recipients: v.pipe(v.array(Acct), v.maxLength(20)),
      replyToStatusId: v.nullable(Id),
      /** The user confirmed the difference the draft's `reply` check showed (review finding 1). */
      confirm: v.optional(v.boolean()),
    }),
    from: PAGE,
  },
  'inbox/send': { payload: v.strictObject({ account: Account, key: DraftKey }), from: PAGE },
  /** Posts the ready-made, unencrypted invitation to these accounts (only on the user's explicit click). */
  'inbox/invite': {
    payload: v.strictObject({ account: Account, recipients: v.pipe(v.array(Acct), v.minLength(1), v.maxLength(10)) }),
    from: PAGE,
  },
} as const satisfies Record<string, RequestSpec>;

export interface InboxAccount {
  readonly origin: string;
  readonly accountId: string;
  readonly acct: string;
  /** Hush keys exist for this account in this browser (else: enable Hush first). */
  readonly enabled: boolean;
  /** Where the inbox gets a token: its own OAuth token, an open tab of the account, or nowhere. */
  readonly connection: 'oauth' | 'tab' | 'none';
}

export interface InboxState {
  readonly locked: boolean;
  readonly hasPassphrase: boolean;
  readonly phrase: { readonly text: string; readonly pattern: string } | null;
  readonly accounts: readonly InboxAccount[];
}

/**
 * Why a read or write of the inbox could not happen: each has a next step in the UI. One object
 * type (not a union per kind) keeps the request table's response union small for the compiler.
 */
export interface InboxProblem {
  readonly result: 'locked' | 'not_enabled' | 'no_token' | 'revoked' | 'rate_limited' | 'network' | 'refused';
  /** rate_limited: X-RateLimit-Reset as epoch ms, when the server sent it. */
  readonly retryAt?: number | null;
  readonly message?: string;
  readonly status?: number;
}

/** 'unconfirmed': only the instance says this account is in the conversation (no verified message names it). */
export type ParticipantState = 'verified' | 'unverified' | 'changed' | 'no_key' | 'unconfirmed';

export interface ConversationItem {
  readonly id: string;
  readonly unread: boolean;
  readonly participants: readonly { readonly acct: string; readonly state: ParticipantState }[];
  readonly lastStatusId: string;
  /** Server time of the last status (seconds). */
  readonly at: number;
  /**
   * The last message: decrypted preview (Hush), or the plain text marked as not encrypted. A Hush
   * preview names its signed sender (`senderListed` false: not among the participants the list
   * shows, nor the user) and carries the reader's flags and the signed creation time.
   */
  readonly preview: HushPreview | { readonly kind: 'plain'; readonly text: string };
}

export interface HushPreview {
  readonly kind: 'hush';
  readonly state: ViewContent['state'];
  readonly text: string | null;
  readonly reason: ViewContent['reason'];
  readonly sender: { readonly acct: string | null; readonly trust: TrustKind } | null;
  readonly senderListed: boolean;
  readonly flags: readonly ViewFlag[];
  readonly createdAt: number | null;
}

/**
 * A reply's recipients cross-checked (review finding 1): the conversation's participants as the
 * inbox listed them (what the reply goes to) against the signed parties of the answered message.
 * A difference blocks Send until the user confirms it.
 */
export interface ReplyCheck {
  /** Signed parties of the answered message the conversation does not list (they do not get the reply). */
  readonly notListed: readonly string[];
  /** Listed participants the answered message was not sent to (they get the reply). */
  readonly notSigned: readonly string[];
  /** The answered message's signed sender. */
  readonly sender: string | null;
  readonly confirmed: boolean;
}

export interface SearchResult {
  readonly acct: string;
  /** A pinned contact with a usable key. */
  readonly ready: boolean;
  /** 'unchecked': found by the instance's search, not a contact: its key is looked up only when added. */
  readonly state: 'ready' | 'not_ready' | 'unchecked';
  readonly contact: boolean;
  /** The pinned contact this account shares its name with, on another domain. */
  readonly lookalikeOf: string | null;
}

export interface ThreadMessage {
  /** The status ids of this message (several for a chunk thread), first first. */
  readonly statusIds: readonly string[];
  /** The author as the instance shows it (for a Hush message the view's signed sender decides). */
  readonly author: string;
  readonly mine: boolean;
  readonly serverTime: number | null;
  /** A Hush message (decrypted, or why not) or a plain DM (not encrypted). */
  readonly hush: ViewContent | null;
  readonly plain: string | null;
}

export interface InboxDraft {
  readonly text: string;
  readonly recipients: readonly string[];
  readonly replyToStatusId: string | null;
  readonly progress: SendProgress | null;
}

export interface InboxResponses {
  'inbox/state': InboxState;
  'inbox/connect': {
    readonly result:
      'connected' | 'cancelled' | 'denied' | 'state_mismatch' | 'not_enabled' | 'bad_instance' | 'locked' | 'network';
    readonly acct?: string;
    readonly message?: string;
  };
  'inbox/disconnect': { readonly revoked: boolean };
  'inbox/conversations':
    | {
        readonly result: 'ok';
        readonly items: readonly ConversationItem[];
        readonly next: string | null;
        readonly apiMs: number;
        /** 'instance': read now; 'known': the last answer (asked with `known`); 'none': no last answer. */
        readonly source: 'instance' | 'known' | 'none';
      }
    | InboxProblem;
  'inbox/thread':
    | {
        readonly result: 'ok';
        readonly messages: readonly ThreadMessage[];
        readonly older: string | null;
        readonly participants: readonly string[];
        readonly source: 'instance' | 'known' | 'none';
      }
    | InboxProblem;
  'inbox/mark-read': { readonly result: 'ok' } | InboxProblem;
  'inbox/search': { readonly result: 'ok'; readonly accounts: readonly SearchResult[] } | InboxProblem;
  'inbox/draft-get': { readonly draft: InboxDraft; readonly status: ComposeStatus; readonly reply: ReplyCheck | null };
  'inbox/draft-set': { readonly status: ComposeStatus; readonly reply: ReplyCheck | null };
  'inbox/send': SendProgress;
  'inbox/invite': { readonly result: 'ok' } | InboxProblem;
}

/** The live port (runtime.connect) from the inbox page: background -> page notices. */
export const INBOX_PORT = 'hush-inbox-live';
export const InboxNoticeSchema = v.variant('kind', [
  v.strictObject({ kind: v.literal('changed'), origin: v.string(), accountId: v.string() }),
  v.strictObject({ kind: v.literal('lock'), locked: v.boolean() }),
]);
export type InboxNotice = v.InferOutput<typeof InboxNoticeSchema>;
