/**
 * Runtime messages of the overlay (issue #8): compose, secure editor, secure view. Owned by the
 * overlay area; merged into the request table in messages.ts.
 *
 * The split of knowledge is the point: content scripts send and receive only public values
 * (ciphertext status texts, handles, sizes, badge states); plaintext travels only between a
 * frame and the background, addressed by the frame's session id.
 */
import * as v from 'valibot';
import type { RequestSpec } from './messages';

const Session = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{16,64}$/));
const Acct = v.pipe(v.string(), v.minLength(1), v.maxLength(400));
const StatusId = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,64}$/));
/** A CSS colour as read from getComputedStyle (rgb()/rgba() only: nothing else reaches a frame's style). */
const Colour = v.pipe(v.string(), v.maxLength(40), v.regex(/^rgba?\(\s*[\d.]+\s*,\s*[\d.]+\s*,\s*[\d.]+\s*(,\s*[\d.]+\s*)?\)$/));
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
});
export type FrameStyle = v.InferOutput<typeof FrameStyleSchema>;

/** What the view shows about a message's origin and integrity. */
export type BadgeKind = 'verified' | 'unverified' | 'key_changed' | 'cannot_decrypt' | 'replayed' | 'incomplete' | 'sender_mismatch' | 'locked';

export interface Badge {
  readonly kind: BadgeKind;
  /** Authenticated sender from the envelope (null when not decrypted). */
  readonly sender: string | null;
  readonly fingerprint: string | null;
  /** Failure reason code for cannot_decrypt / locked. */
  readonly reason: string | null;
  /** Chunks known / expected (incomplete). */
  readonly parts: { readonly have: number; readonly total: number } | null;
}

export type RecipientState = 'ready' | 'no_key' | 'key_changed' | 'revoked' | 'not_found' | 'disagreement' | 'rollback' | 'network';

export interface ComposeStatus {
  /** Account readiness: 'ready' or why not. */
  readonly account: 'ready' | 'not_enabled' | 'locked' | 'revoked';
  readonly recipients: readonly { readonly acct: string; readonly state: RecipientState }[];
  /** Plaintext bytes left in the current status (negative: more chunks), and how many statuses the draft needs. */
  readonly remaining: number;
  readonly parts: number;
  readonly empty: boolean;
}

export type EncryptReply =
  | { readonly ok: true; readonly statuses: readonly string[]; readonly messageId: string }
  | {
      readonly ok: false;
      readonly account: 'not_enabled' | 'locked' | 'revoked' | null;
      readonly recipients: readonly { readonly acct: string; readonly state: RecipientState }[];
      /** Ready-made unencrypted invitation (only when some recipient has no key); the user may choose to send it. */
      readonly invitation: string | null;
      readonly message: string;
    };

const CONTENT = ['content'] as const;
const FRAME = ['frame'] as const;

export const overlayRequests = {
  /** Content: a compose form opened an editor session; seeds it with the page's mentions and reply target. */
  'overlay/editor-seed': {
    payload: v.strictObject({
      session: Session,
      text: v.pipe(v.string(), v.maxLength(2000)),
      replyToStatusId: v.nullable(StatusId),
      maxChars: v.pipe(v.number(), v.integer(), v.minValue(100), v.maxValue(100_000)),
      style: FrameStyleSchema,
      placeholder: v.pipe(v.string(), v.maxLength(200)),
    }),
    from: CONTENT,
  },
  /** Content: readiness of an account/recipients before offering the lock (public handles only). */
  'overlay/compose-check': { payload: v.strictObject({ recipients: v.pipe(v.array(Acct), v.maxLength(50)), replyToStatusId: v.nullable(StatusId) }), from: CONTENT },
  /** Content: encrypt the draft the background holds for this editor session. */
  'overlay/compose-encrypt': {
    payload: v.strictObject({
      session: Session,
      /** Characters the status already uses outside the text (a content warning counts, §2.3). */
      reserveChars: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(100_000)),
    }),
    from: CONTENT,
  },
  /** Content: the statuses were posted (ids in order): the draft can go. */
  'overlay/compose-posted': { payload: v.strictObject({ session: Session, statusIds: v.pipe(v.array(StatusId), v.maxLength(64)) }), from: CONTENT },
  /** Content: the lock was turned off or the form went away: forget the draft. */
  'overlay/editor-close': { payload: v.strictObject({ session: Session }), from: CONTENT },
  /** Editor frame: its initial state (draft text, look). */
  'overlay/editor-get': { payload: v.strictObject({ session: Session }), from: FRAME },
  /** Editor frame: the draft changed. */
  'overlay/editor-draft': { payload: v.strictObject({ session: Session, text: v.pipe(v.string(), v.maxLength(20_000)) }), from: FRAME },
  /** Editor frame: Ctrl/Cmd+Enter: ask the content script to publish. */
  'overlay/editor-submit': { payload: v.strictObject({ session: Session }), from: FRAME },
  /** Editor frame: mention completions for a partial handle. */
  'overlay/mention-search': { payload: v.strictObject({ session: Session, query: v.pipe(v.string(), v.minLength(1), v.maxLength(200)) }), from: FRAME },
  /** Content: a Hush status is on screen: decrypt (or reuse the cache) for this view session. */
  'overlay/view-open': {
    payload: v.strictObject({
      session: Session,
      statusId: StatusId,
      /** 'conversation': a DM-column entry, known only by its conversation id (no replay check possible). */
      context: v.picklist(['status', 'conversation']),
      author: v.strictObject({ acct: Acct, actorUri: v.nullable(v.pipe(v.string(), v.maxLength(2048))) }),
      mentions: v.pipe(v.array(Acct), v.maxLength(64)),
      text: v.pipe(v.string(), v.maxLength(20_000)),
      style: FrameStyleSchema,
    }),
    from: CONTENT,
  },
  /**
   * View frame: joins its session (as frame/hello does; the first frame to join owns it) and gets
   * what to render in the same round trip. Sent again after a reload (view refresh).
   */
  'overlay/view-join': { payload: v.strictObject({ session: Session }), from: FRAME },
  /** View frame: its content height; relayed to the content script in coarse steps. */
  'overlay/view-size': { payload: v.strictObject({ session: Session, height: v.pipe(v.number(), v.minValue(0), v.maxValue(100_000)) }), from: FRAME },
} as const satisfies Record<string, RequestSpec>;

export interface ViewOpenReply {
  /** 'message': show a frame; 'continuation': a later chunk, shown with the first one. */
  readonly role: 'message' | 'continuation';
  readonly badge: Badge;
  readonly part: { readonly index: number; readonly total: number } | null;
  /** Initial frame height (coarse step). */
  readonly height: number;
}

export interface OverlayResponses {
  'overlay/editor-seed': { readonly seeded: true };
  /** `encryptByDefault`: the user's "default encryption for new direct messages" preference. */
  'overlay/compose-check': ComposeStatus & { readonly replyEncrypted: boolean; readonly encryptByDefault: boolean };
  'overlay/compose-encrypt': EncryptReply;
  'overlay/compose-posted': { readonly done: true };
  'overlay/editor-close': { readonly closed: true };
  'overlay/editor-get': { readonly text: string; readonly style: FrameStyle; readonly placeholder: string; readonly status: ComposeStatus };
  'overlay/editor-draft': ComposeStatus;
  'overlay/editor-submit': { readonly sent: boolean };
  'overlay/mention-search': { readonly accounts: readonly { readonly acct: string; readonly hasKey: boolean }[] };
  'overlay/view-open': ViewOpenReply;
  'overlay/view-join': {
    readonly plaintext: string | null;
    readonly badge: Badge;
    readonly style: FrameStyle;
    readonly phrase: { readonly text: string; readonly pattern: string } | null;
  };
  'overlay/view-size': { readonly height: number };
}

/** Background -> content script pushes (tabs.sendMessage, top frame only). Validated by the receiver. */
export const OVERLAY_PUSH = 'hush/overlay-push';
export const OverlayPushSchema = v.variant('kind', [
  v.strictObject({ type: v.literal(OVERLAY_PUSH), kind: v.literal('submit'), session: Session }),
  v.strictObject({ type: v.literal(OVERLAY_PUSH), kind: v.literal('compose-status'), session: Session, remaining: v.number(), parts: v.number(), allReady: v.boolean(), empty: v.boolean() }),
  v.strictObject({ type: v.literal(OVERLAY_PUSH), kind: v.literal('view-size'), session: Session, height: v.number() }),
  v.strictObject({ type: v.literal(OVERLAY_PUSH), kind: v.literal('view-refresh'), session: Session }),
]);
export type OverlayPush = v.InferOutput<typeof OverlayPushSchema>;

/** Height steps of the view frame (px): the page learns only which bucket a message falls in. */
export const VIEW_HEIGHT_STEPS = [48, 96, 192, 384, 768] as const;

export function quantiseHeight(px: number): number {
  for (const step of VIEW_HEIGHT_STEPS) if (px <= step) return step;
  return 768;
}
