import { useState } from 'preact/hooks';
import {
  SECURITY_PATTERNS,
  SECURITY_PHRASE_MAX,
  type SecurityPattern,
  type SecurityPhrase,
} from '../../messaging/settings-messages';
import { send } from '../../messaging/client';
import { errorText, t } from '../i18n';
import { SecurityBadge } from './security-badge';
import { Field } from './common';

const PATTERN_KEYS: Record<SecurityPattern, string> = {
  'waves-teal': 'patternWavesTeal',
  'dots-amber': 'patternDotsAmber',
  'stripes-violet': 'patternStripesViolet',
  'grid-green': 'patternGridGreen',
  'checks-rose': 'patternChecksRose',
  'diagonal-blue': 'patternDiagonalBlue',
};

/** Picks (or changes) the anti-spoofing phrase and pattern; the background stores and validates it. */
export function PhraseForm({
  current,
  onSaved,
}: {
  current: SecurityPhrase | null;
  onSaved: (p: SecurityPhrase) => void;
}) {
  const [text, setText] = useState(current?.text ?? '');
  const [pattern, setPattern] = useState<SecurityPattern>(current?.pattern ?? 'waves-teal');
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const trimmed = text.trim();

  const save = async (e: Event) => {
    e.preventDefault();
    setSaved(false);
    if (trimmed === '') return setError(t('phraseEmpty'));
    const reply = await send('settings/security-phrase/set', { text: trimmed, pattern });
    if (!reply.ok) return setError(reply.error.code === 'bad_request' ? t('phraseInvalid') : errorText(reply.error));
    setError(null);
    setSaved(true);
    onSaved(reply.value.phrase);
  };

  return (
    <form class="stack" onSubmit={(e) => void save(e)} data-testid="phrase-form">
      <p>{t('phraseExplain')}</p>
      <Field
        id="phrase-text"
        label={t('phraseLabel')}
        type="text"
        maxLength={SECURITY_PHRASE_MAX}
        autocomplete="off"
        spellcheck={false}
        value={text}
        aria-describedby="phrase-hint"
        onValue={setText}
      />
      <p id="phrase-hint" class="muted">
        {t('phraseHint', String(SECURITY_PHRASE_MAX))}
      </p>
      <fieldset class="patterns">
        <legend>{t('phrasePatternLegend')}</legend>
        {SECURITY_PATTERNS.map((p) => (
          <label key={p} class="pattern-choice">
            <input type="radio" name="pattern" value={p} checked={pattern === p} onChange={() => setPattern(p)} />
            <span class={`swatch pattern-${p}`} aria-hidden="true" />
            {t(PATTERN_KEYS[p])}
          </label>
        ))}
      </fieldset>
      {trimmed !== '' && (
        <div>
          <p class="muted">{t('phrasePreview')}</p>
          <SecurityBadge phrase={{ text: trimmed, pattern }} />
        </div>
      )}
      <button class="primary" type="submit">
        {t('phraseSave')}
      </button>
      {error !== null && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {saved && (
        <p class="ok" role="status" data-testid="phrase-saved">
          {t('phraseSaved')}
        </p>
      )}
    </form>
  );
}
