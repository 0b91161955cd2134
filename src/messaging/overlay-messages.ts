/**
 * Runtime messages of the overlay: compose (secure editor + publishing) and reading (secure
 * views). Owned by the overlay area; merged into the request table in messages.ts.
 *
 * The split of knowledge is the point: content scripts send and receive only public values
 * (ciphertext status texts, handles, status ids, one coarse size class per view); plaintext,
 * recipients' trust, badges and the security phrase travel only between a frame and the
 * background. The page decides nothing: a content script can ask for an editor or a view, never
 * choose what it shows, whom a message goes to, or publish.
 */
import * as v from 'valibot';
import type { RequestSpec } from './messages';
import { withSessionSenders } from './sessions';
import type { DecryptFailureReason } from '../protocol/errors';

const Session = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{16,64}$/));
/** A one-time frame offer (background/sessions.ts). */
const Offer = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{24}$/));
const Acct = v.pipe(v.string(), v.minLength(1), v.maxLength(400));
const StatusId = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,64}$/));
/** A CSS colour as read from getComputedStyle (rgb()/rgba() only: nothing else reaches a frame's style). */
const Colour = v.pipe(
  v.string(),
  v.maxLength(40),
  v.regex(/^rgba?\(\s*[\d.]+\s*,\s*[\d.]+\s*,\s*[\d.]+\s*(,\s*[\d.]+\s*)?\)$/),
);
const FontFamily = v.pipe(v.string(), v.maxLength(300), v.regex(/^[\w\s,"'-]*$/));

/** The look of the surrounding Mastodon element, so the frame can match it. */
export const FrameStyleSchema = v.strictObject({
  color: Colour,
  background: Colour,
  link: Colour,
  fontFamily: FontFamily,
  fontSizePx: v.pipe(v.number(), v.minValue(8), v.maxValue(40)),
  lineHeightPx: v.pipe(v.number(), v.minValue(8), v.maxValue(80)),
  dark: v.boolean(),
  /** Links of the page's status text are underlined (high-contrast themes underline them). */
  linkUnderline: v.optional(v.boolean()),
  /** The element's line height is `normal` (the font's own; Mastodon's textarea): lineHeightPx is then an estimate. */
  lineHeightNormal: v.optional(v.boolean()),
  /** The textarea's inner padding (the editor's frame keeps the text where Mastodon's would be). */
  paddingPx: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(40))),
});
export type FrameStyle = v.InferOutput<typeof FrameStyleSchema>;

/**
 * The only thing the page learns from a view: a coarse length class of the plaintext (2 bits),
 * the same for every failure (0). Computed in the background from the text alone; the view's
 * height is a public function of the class and the width the page gave it (content/view-size.ts).
 */
export type SizeClass = 0 | 1 | 2 | 3;

/** Trust of an authenticated sender as the user's contacts say now (background/services.ts SenderTrustKind). */
export type TrustKind = 'self' | 'verified' | 'unverified' | 'key_changed' | 'revoked' | 'identity_review' | 'unknown';

/**
 * Whether a message's text stays behind an explicit choice ("Show the text anyway"): signed with a
 * key its owner revoked (or that is marked compromised), so not authentic. Every surface that shows
 * a message (the view frame, the inbox's chat) asks this, and none shows such text on its own; the
 * inbox's list preview never carries it (the background drops it). The other
 * warnings (an earlier key, an identity under review, a sender not among the contacts) are shown
 * beside a readable text, as the signature is valid and the sender is who the badge names.
 */
export function textHidden(sender: { readonly trust: TrustKind } | null): boolean {
  return sender?.trust === 'revoked';
}

/** Something the view must say about what surrounds the signed message (each names what was observed). */
export type ViewFlag =
  /** The same signed message was first shown under another post: a server re-delivered it. */
  | { readonly kind: 'replayed'; readonly firstSeenAt: number | null }
  /** This post's encrypted text changed after Hush showed it (Hush never edits): tampering. */
  | { readonly kind: 'replaced' }
  /** The date the server shows is far from the signed creation time. */
  | { readonly kind: 'time_gap'; readonly serverTime: number }
  /**
   * The user's instance links it as a reply to another post than the message it answers (signed):
   * a post that is not encrypted, another encrypted message, or one that cannot be read.
   */
  | { readonly kind: 'parent_mismatch'; readonly shown: 'plain' | 'other_message' | 'unreadable' }
  /** A content warning, media or a link preview on the post: not encrypted, not signed. */
  | {
      readonly kind: 'unsigned_extras';
      readonly cw: boolean;
      readonly media: boolean;
      readonly card: boolean;
      readonly poll?: boolean;
      readonly quote?: boolean;
    }
  /** A post claiming to be part of this message that is not (forged, or a duplicate with other text). */
  | { readonly kind: 'foreign_part' };

/**
 * Why a view shows no message: the protocol's refusals (PROTOCOL.md, receiver checks) plus the reader's own
 * states. A closed union so that each surface must give every reason its own words.
 */
export type ViewFailureReason =
  | DecryptFailureReason
  // ---- the key services' refusals (background/services.ts DecryptFailure) ----
  | 'locked' // keys locked: unlock to read (never cached)
  | 'not_enabled' // Hush not enabled for this account in this browser
  /** The author's (or a recipient's) key could not be fetched now (network, timeout): neutral, retried, never cached, never a tampering badge. */
  | 'unreachable'
  | 'unknown_sender' // the author has no Hush key (fetched and absent): not from a Hush user
  | 'unknown_recipient' // a mentioned account has no known key: the signed recipient set cannot be checked
  | 'key_changed' // signed by a new key of the author that the user has not accepted yet
  | 'identity_changed' // the author's handle/actor binding is under review
  | 'internal'
  // ---- the reader's own states ----
  | 'incomplete_chunks'
  | 'unknown'
  | 'not_part_of_message';

export type ViewState = 'message' | 'incomplete' | 'failed' | 'locked' | 'unreachable';

export interface ViewContent {
  readonly state: ViewState;
  /** Only for state 'message'. */
  readonly plaintext: string | null;
  /** The authenticated sender, its pinned handle and current trust (never the page's label). */
  readonly sender: { readonly acct: string | null; readonly trust: TrustKind; readonly fingerprint: string } | null;
  /** Signed creation time (Unix seconds). */
  readonly createdAt: number | null;
  /** The message this one answers (signed): what Hush knows of it. */
  readonly replyTo: {
    readonly known: boolean;
    readonly sender: string | null;
    readonly snippet: string | null;
    readonly createdAt: number | null;
  } | null;
  readonly flags: readonly ViewFlag[];
  /** Why it cannot be shown (state failed/locked/unreachable): a reason code every surface words by type (frames/view-text.ts). */
  readonly reason: ViewFailureReason | null;
  readonly parts: { readonly have: number; readonly total: number } | null;
}

export type RecipientState =
  | 'ready'
  | 'no_key'
  | 'key_changed'
  | 'identity_changed'
  | 'revoked'
  | 'not_found'
  | 'disagreement'
  | 'rollback'
  | 'network';

export interface RecipientView {
  readonly acct: string;
  readonly state: RecipientState;
  /** For ready recipients: verified / unverified. */
  readonly trust: 'verified' | 'unverified' | null;
  /** Verified once, not now (an accepted key change). */
  readonly wasVerified: boolean;
  readonly warning: 'key_withdrawn' | null;
  /** Where the recipient came from: the signed message answered, typed in the editor, or Mastodon's box (needs confirming). */
  readonly source: 'reply' | 'typed' | 'page';
}

export interface ComposeStatus {
  /** Account readiness: 'ready' or why not. */
  readonly account: 'ready' | 'not_enabled' | 'locked' | 'revoked';
  /** The final recipient list (what Send encrypts to): full handles with their state. */
  readonly recipients: readonly RecipientView[];
  /** Handles Mastodon's box mentioned: shown, but recipients only once the user adds them in the editor. */
  readonly suggested: readonly string[];
  /** Plaintext bytes left in the last status, and how many statuses the draft needs. */
  readonly remaining: number;
  readonly parts: number;
  readonly empty: boolean;
}

export interface EditorState {
  readonly text: string;
  readonly style: FrameStyle;
  readonly phrase: { readonly text: string; readonly pattern: string } | null;
  /** What Mastodon's box held when the editor opened: offered for insertion, never inserted by itself. */
  readonly seed: string | null;
  /** The message being answered (from its signed envelope), shown above the text. */
  readonly replyTo: {
    readonly sender: string | null;
    readonly snippet: string | null;
    readonly createdAt: number | null;
  } | null;
  readonly status: ComposeStatus;
  /** A send already under way or finished for this draft (after a worker restart). */
  readonly sending: SendProgress | null;
}

export type SendProgress =
  | { readonly phase: 'sending'; readonly done: number; readonly total: number }
  | { readonly phase: 'sent'; readonly total: number; readonly recipients: readonly string[]; readonly at: number }
  | { readonly phase: 'failed'; readonly done: number; readonly total: number; readonly problem: SendProblem };

export type SendProblem =
  | { readonly kind: 'account'; readonly account: 'not_enabled' | 'locked' | 'revoked' }
  | { readonly kind: 'recipients'; readonly recipients: readonly RecipientView[]; readonly invitation: string | null }
  | { readonly kind: 'empty' }
  | { readonly kind: 'no_recipients' }
  | { readonly kind: 'unconfirmed_suggestions' }
  /** The inbox: a reply's recipients differ from the answered message's signed parties, not yet confirmed. */
  | { readonly kind: 'unconfirmed_recipients' }
  | { readonly kind: 'too_long' }
  | { readonly kind: 'covered' }
  | { readonly kind: 'no_token' }
  /** The server refused the post (HTTP status, Mastodon's error text). */
  | {
      readonly kind: 'refused';
      readonly status: number;
      readonly message: string;
      /** A 429's X-RateLimit-Reset (epoch ms). */ readonly retryAt?: number;
    }
  | { readonly kind: 'network'; readonly message: string }
  /** The server answered, but what it stored is not what Hush sent (named): nothing more is posted. */
  | { readonly kind: 'altered'; readonly what: string; readonly deleted: boolean }
  | { readonly kind: 'internal'; readonly message: string };

const CONTENT = ['content'] as const;

/** Public page facts around a status (what the user also sees, outside the encryption). */
const ExtrasSchema = v.strictObject({
  cw: v.boolean(),
  media: v.boolean(),
  card: v.boolean(),
  poll: v.optional(v.boolean()),
  quote: v.optional(v.boolean()),
});

const ViewOpenItem = v.strictObject({
  /** Status id; a DM-column entry's `c<conversation id>` (the background finds its last status). */
  statusId: StatusId,
  context: v.picklist(['status', 'conversation']),
  author: v.nullable(Acct),
  /** DM-column entries: the participants the entry names (author candidates when the API cannot say). */
  participants: v.pipe(v.array(Acct), v.maxLength(16)),
  mentions: v.pipe(v.array(Acct), v.maxLength(64)),
  /** At most the protocol's longest status (8192 encoded characters) with its prefix and mentions. */
  text: v.pipe(v.string(), v.maxLength(10_000)),
  /** The date the page shows for the status (Unix seconds), if any. */
  serverTime: v.nullable(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(2 ** 33))),
  /** The same to the millisecond (Mastodon's `datetime` has them); optional for an older content script. */
  serverTimeMs: v.optional(v.nullable(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(2 ** 43)))),
  extras: ExtrasSchema,
  style: FrameStyleSchema,
});
export type ViewOpenRequest = v.InferOutput<typeof ViewOpenItem>;

export const overlayRequests = {
  /** Content: should a direct-mode form start encrypted (account ready, a reply to a Hush message, the pref)? */
  'overlay/compose-check': { payload: v.strictObject({ replyToStatusId: v.nullable(StatusId) }), from: CONTENT },
  /**
   * Session messages: who may send each (creator or joiner, and which surface) is the session
   * table's to say (messaging/sessions.ts), not this table's.
   */
  ...withSessionSenders({
    /**
     * Content: open a secure editor for a compose form. Mastodon's box is only a SEED: its mentions
     * become suggestions the user confirms inside the editor; a reply's recipients come from the
     * signed message it answers. `resume`: reuse this tab's unsent draft for the same reply.
     */
    'overlay/editor-open': {
      payload: v.strictObject({
        replyToStatusId: v.nullable(StatusId),
        seedMentions: v.pipe(v.array(Acct), v.maxLength(50)),
        seedText: v.pipe(v.string(), v.maxLength(5000)),
        maxChars: v.pipe(v.number(), v.integer(), v.minValue(100), v.maxValue(100_000)),
        style: FrameStyleSchema,
      }),
    },
    /** Content: its frame loaded again (moved in the DOM): a fresh one-time offer for it. */
    'frame/reoffer': { payload: v.strictObject({ session: Session }) },
    /** Content: the compose form went away unsent; the draft stays for a later editor of this tab. */
    'overlay/editor-detach': { payload: v.strictObject({ session: Session }) },
    /** Editor frame: claims its offer; answers the editor's state. */
    'overlay/editor-join': { payload: v.strictObject({ offer: Offer }) },
    /** Editor frame: the draft and the recipients the user accepted changed. */
    'overlay/editor-draft': {
      payload: v.strictObject({
        session: Session,
        text: v.pipe(v.string(), v.maxLength(20_000)),
        recipients: v.pipe(v.array(Acct), v.maxLength(50)),
      }),
    },
    /** Editor frame: the user sent (a click or Ctrl/Cmd+Enter inside the frame). */
    'overlay/editor-send': { payload: v.strictObject({ session: Session, visible: v.boolean() }) },
    /** Editor frame: the user turned encryption off (discards the secure draft). */
    'overlay/editor-discard': { payload: v.strictObject({ session: Session }) },
    /** Editor frame: the user chose to send the ready-made, unencrypted invitation instead. */
    'overlay/editor-invite': { payload: v.strictObject({ session: Session }) },
    /** Editor frame: mention completions for a partial handle. */
    'overlay/mention-search': {
      payload: v.strictObject({ session: Session, query: v.pipe(v.string(), v.minLength(1), v.maxLength(200)) }),
    },
    /** Content: Hush statuses are on screen: one view session each (decrypting or reusing the cache). */
    'overlay/views-open': {
      payload: v.strictObject({ items: v.pipe(v.array(ViewOpenItem), v.minLength(1), v.maxLength(32)) }),
    },
    /** View frame: claims its offer; answers what to show. Sent again after each load. */
    'overlay/view-join': { payload: v.strictObject({ offer: Offer }) },
    /** View frame: asks again what to show (verification, key change, unlock happened since). */
    'overlay/view-get': { payload: v.strictObject({ session: Session }) },
    /** View frame: the user clicked the message text: do what a click on the status does (open it). */
    'overlay/view-activate': { payload: v.strictObject({ session: Session }) },
  }),
} as const satisfies Record<string, RequestSpec>;

export interface ViewOpened {
  readonly session: string;
  readonly offer: string;
  /** 'message': show a frame; 'continuation': a later part of a message shown with its first one. */
  readonly role: 'message' | 'continuation';
  readonly part: { readonly index: number; readonly total: number } | null;
  readonly size: SizeClass;
}

export interface OverlayResponses {
  /** `encryptByDefault`: the user's "default encryption for new direct messages" preference. */
  /** Public facts only (the page sees the decision): whether the answered status is a Hush status, the pref. */
  'overlay/compose-check': {
    readonly account: ComposeStatus['account'];
    readonly replyEncrypted: boolean;
    readonly encryptByDefault: boolean;
  };
  'overlay/editor-open': { readonly session: string; readonly offer: string };
  'frame/reoffer': { readonly offer: string };
  'overlay/editor-detach': { readonly detached: true };
  'overlay/editor-join': { readonly session: string; readonly state: EditorState };
  'overlay/editor-draft': ComposeStatus;
  'overlay/editor-send': SendProgress;
  'overlay/editor-discard': { readonly discarded: true };
  'overlay/editor-invite': { readonly placed: boolean };
  'overlay/mention-search': {
    readonly accounts: readonly {
      readonly acct: string;
      readonly contact: boolean;
      readonly hasKey: boolean;
      readonly lookalikeOf: string | null;
    }[];
  };
  'overlay/views-open': { readonly views: readonly (ViewOpened | { readonly error: string })[] };
  'overlay/view-join': {
    readonly session: string;
    readonly view: ViewContent;
    readonly style: FrameStyle;
    readonly phrase: { readonly text: string; readonly pattern: string } | null;
  };
  'overlay/view-get': { readonly view: ViewContent };
  'overlay/view-activate': { readonly done: true };
}

/**
 * The one postMessage in Hush: a content script hands its own frame a one-time offer after each
 * trusted load, targeted at the extension origin (content/dom.ts sends, frames/common.ts checks).
 */
export const OFFER_MESSAGE = 'hush/offer';

/** Background -> content script pushes (tabs.sendMessage, top frame only). Validated by the receiver. */
export const OVERLAY_PUSH = 'hush/overlay-push';
export const OverlayPushSchema = v.variant('kind', [
  /** The editor was sent (confirmed by reading it back) or discarded: reset Mastodon's form. */
  v.strictObject({
    type: v.literal(OVERLAY_PUSH),
    kind: v.literal('editor-done'),
    session: Session,
    sent: v.boolean(),
  }),
  /** The user chose the unencrypted invitation: put it into Mastodon's box (the user posts it there). */
  v.strictObject({
    type: v.literal(OVERLAY_PUSH),
    kind: v.literal('editor-invite'),
    session: Session,
    text: v.pipe(v.string(), v.maxLength(2000)),
  }),
  /** The user clicked a view's text: open its status as a click on it would. */
  v.strictObject({ type: v.literal(OVERLAY_PUSH), kind: v.literal('view-activate'), session: Session }),
  /** The user revoked Hush's access to this instance: the content script takes back all it added. */
  v.strictObject({ type: v.literal(OVERLAY_PUSH), kind: v.literal('content-stop') }),
]);
export type OverlayPush = v.InferOutput<typeof OverlayPushSchema>;

/** The plaintext length class (2 bits): failures and pending views are 0. */
export function sizeClassOf(plaintext: string | null): SizeClass {
  if (plaintext === null) return 0;
  const chars = Array.from(plaintext).length;
  const lines = plaintext.split('\n').length;
  if (chars <= 80 && lines <= 1) return 0;
  if (chars <= 280 && lines <= 4) return 1;
  if (chars <= 700 && lines <= 10) return 2;
  return 3;
}
