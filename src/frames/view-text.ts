/**
 * The words of a message view: trust labels, flags and failure states, shared by the view frame
 * and the inbox (both show the same ViewContent the background's reader produces).
 */
import type { TrustKind, ViewContent, ViewFlag } from '../messaging/overlay-messages';
import { t } from '../messaging/i18n';
import { formatTime } from './format';


export const TRUST_KEYS: Record<TrustKind, string> = {
  self: 'trustSelf', verified: 'trustVerified', unverified: 'trustUnverified', key_changed: 'trustKeyChanged',
  revoked: 'trustRevoked', identity_review: 'trustIdentityReview', unknown: 'trustUnknown',
};
export const WARN_TRUST = new Set<TrustKind>(['key_changed', 'revoked', 'identity_review', 'unknown']);

export function flagText(f: ViewFlag): string {
  switch (f.kind) {
    case 'replayed': return f.firstSeenAt === null ? t('flagReplayed') : t('flagReplayedAt', formatTime(f.firstSeenAt));
    case 'replaced': return t('flagReplaced');
    case 'time_gap': return t('flagTimeGap', formatTime(f.serverTime));
    case 'parent_mismatch': return t('flagParentMismatch');
    case 'unsigned_extras': return t('flagUnsignedExtras', [f.cw ? t('extraCw') : '', f.media ? t('extraMedia') : '', f.card ? t('extraCard') : ''].filter(Boolean).join(', '));
    case 'foreign_part': return t('flagForeignPart');
  }
}

export function stateText(v: ViewContent): string {
  switch (v.state) {
    case 'locked': return t('badgeLocked');
    case 'unreachable': return t('viewUnreachable');
    case 'incomplete': return t('badgeIncomplete', [String(v.parts?.have ?? 0), String(v.parts?.total ?? 0)]);
    default: return t('viewFailed', t(`reason_${v.reason ?? 'unknown'}`) === `reason_${v.reason ?? 'unknown'}` ? (v.reason ?? '?') : t(`reason_${v.reason ?? 'unknown'}`));
  }
}
