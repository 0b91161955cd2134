/**
 * The words of a message view: trust labels, flags and failure states, shared by the view frame
 * and the inbox (both show the same ViewContent the background's reader produces).
 */
import type { RecipientView, TrustKind, ViewContent, ViewFailureReason, ViewFlag } from '../messaging/overlay-messages';
import { t } from '../messaging/i18n';
import { formatTime } from './format';

export const TRUST_KEYS: Record<TrustKind, string> = {
  self: 'trustSelf',
  verified: 'trustVerified',
  unverified: 'trustUnverified',
  key_changed: 'trustKeyChanged',
  revoked: 'trustRevoked',
  identity_review: 'trustIdentityReview',
  unknown: 'trustUnknown',
};
export const WARN_TRUST = new Set<TrustKind>(['key_changed', 'revoked', 'identity_review', 'unknown']);
export { textHidden } from '../messaging/overlay-messages';

export function flagText(f: ViewFlag): string {
  switch (f.kind) {
    case 'replayed':
      return f.firstSeenAt === null ? t('flagReplayed') : t('flagReplayedAt', formatTime(f.firstSeenAt));
    case 'replaced':
      return t('flagReplaced');
    case 'time_gap':
      return t('flagTimeGap', formatTime(f.serverTime));
    case 'parent_mismatch':
      return t(
        'flagParentMismatch',
        t(
          f.shown === 'plain'
            ? 'parentShownPlain'
            : f.shown === 'other_message'
              ? 'parentShownOther'
              : 'parentShownUnreadable',
        ),
      );
    case 'unsigned_extras':
      return t(
        'flagUnsignedExtras',
        [
          f.cw ? t('extraCw') : '',
          f.media ? t('extraMedia') : '',
          f.card ? t('extraCard') : '',
          f.poll === true ? t('extraPoll') : '',
          f.quote === true ? t('extraQuote') : '',
        ]
          .filter(Boolean)
          .join(', '),
      );
    case 'foreign_part':
      return t('flagForeignPart');
  }
}

/** Each reason's words (what happened and what to do), checked complete by the compiler and the locale test. */
export const REASON_KEYS: Record<ViewFailureReason, string> = {
  not_hush: 'viewReason_unreadable',
  malformed_text: 'viewReason_unreadable',
  malformed: 'viewReason_unreadable',
  bad_padding: 'viewReason_unreadable',
  bad_utf8: 'viewReason_unreadable',
  unsupported_version: 'viewReason_newer_version',
  sender_mismatch: 'viewReason_sender_mismatch',
  not_a_recipient: 'viewReason_not_for_you',
  recipients_mismatch: 'viewReason_recipients_mismatch',
  bad_signature: 'viewReason_altered',
  bad_commitment: 'viewReason_altered',
  bad_ciphertext: 'viewReason_altered',
  wrap_failed: 'viewReason_cannot_open',
  unknown_prekey: 'viewReason_cannot_open',
  expired_prekey: 'viewReason_old_key',
  revoked_key: 'viewReason_revoked_key',
  future_timestamp: 'viewReason_future_timestamp',
  chunk_conflict: 'viewReason_chunk_conflict',
  incomplete: 'viewReason_incomplete',
  incomplete_chunks: 'viewReason_incomplete',
  locked: 'viewReason_locked',
  not_enabled: 'viewReason_not_enabled',
  unreachable: 'viewReason_unreachable',
  unknown_sender: 'viewReason_unknown_sender',
  unknown_recipient: 'viewReason_unknown_recipient',
  key_changed: 'viewReason_key_changed',
  identity_changed: 'viewReason_identity_changed',
  not_part_of_message: 'viewReason_not_part',
  internal: 'viewReason_internal',
  unknown: 'viewReason_internal',
};

/** The words for a reason; a code this build does not know (a newer background) reads as an internal error. */
export function reasonText(reason: ViewFailureReason | null): string {
  return t(Object.hasOwn(REASON_KEYS, reason ?? '') ? REASON_KEYS[reason as ViewFailureReason] : 'viewReason_internal');
}

export function stateText(v: ViewContent): string {
  switch (v.state) {
    case 'locked':
      return t('badgeLocked');
    case 'unreachable':
      return t('viewUnreachable');
    case 'incomplete':
      return t('badgeIncomplete', [String(v.parts?.have ?? 0), String(v.parts?.total ?? 0)]);
    default:
      return t('viewFailed', reasonText(v.reason));
  }
}

/** A recipient's state as every composer words it (the secure editor's chips, the inbox's composer). */
export function recipientLabel(r: RecipientView): string {
  if (r.state !== 'ready') return t(`recipient_${r.state}`);
  if (r.warning === 'key_withdrawn') return t('recipientKeyWithdrawn');
  if (r.wasVerified) return t('recipientNoLongerVerified');
  return t(r.trust === 'verified' ? 'trustVerified' : 'trustUnverified');
}
