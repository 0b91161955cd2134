import { useState } from 'preact/hooks';
import { t } from '../i18n';

/** Only the digits of what was pasted: people send numbers with spaces, dashes or line breaks. */
export const digitsOf = (text: string): string => text.replace(/\D+/g, '');

/**
 * "They sent me their number over another channel": compares a pasted safety number with ours,
 * so nobody has to compare 60 digits by eye. Both numbers are public; nothing leaves the popup.
 */
export function CompareNumber({ digits }: { digits: string }) {
  const [pasted, setPasted] = useState('');
  const got = digitsOf(pasted);
  const verdict = got.length === 0 ? null : got.length < 60 ? 'short' : got === digits ? 'match' : 'mismatch';
  return (
    <div class="stack">
      <label for="compare-number">{t('compareLabel')}</label>
      <input
        id="compare-number"
        type="text"
        inputMode="numeric"
        autocomplete="off"
        spellcheck={false}
        value={pasted}
        aria-describedby="compare-verdict"
        onInput={(e) => setPasted(e.currentTarget.value)}
      />
      <p
        id="compare-verdict"
        aria-live="polite"
        data-testid="compare-verdict"
        data-verdict={verdict ?? ''}
        class={verdict === 'match' ? 'ok' : verdict === 'mismatch' ? 'error' : 'muted'}
      >
        {verdict === null
          ? ''
          : t(verdict === 'match' ? 'compareMatch' : verdict === 'mismatch' ? 'compareMismatch' : 'compareShort')}
      </p>
    </div>
  );
}
