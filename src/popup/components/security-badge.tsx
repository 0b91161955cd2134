import type { SecurityPhrase } from '../../messaging/settings-messages';
import { t } from '../i18n';

/** The user's anti-spoofing phrase on their chosen pattern (patterns: popup.css .pattern-*). */
export function SecurityBadge({ phrase }: { phrase: SecurityPhrase }) {
  return (
    <div class={`security-badge pattern-${phrase.pattern}`} data-testid="security-badge">
      <span class="visually-hidden">{t('phraseBadgeLabel')}</span>
      <span class="security-text">{phrase.text}</span>
    </div>
  );
}
