import { useEffect, useState } from 'preact/hooks';
import browser from 'webextension-polyfill';
import type { Reply } from '../../messaging/result';
import type { SecurityPhrase, UiPrefs } from '../../messaging/settings-messages';
import { send } from '../../messaging/client';
import { Failure, Loading, Section } from '../components/common';
import { PhraseForm } from '../components/phrase-form';
import { SecurityBadge } from '../components/security-badge';
import { downloadText } from '../download';
import { errorText, t } from '../i18n';
import { Instances } from './instances';
import { KeySettingsForm } from './key-settings';

function PhraseSection() {
  const [phrase, setPhrase] = useState<Reply<{ phrase: SecurityPhrase | null }> | null>(null);
  useEffect(() => void send('settings/security-phrase/get', {}).then(setPhrase), []);
  return (
    <Section title={t('phraseSetupTitle')} testid="options-phrase">
      {phrase === null ? (
        <Loading />
      ) : !phrase.ok ? (
        <Failure reply={phrase} />
      ) : (
        <>
          {phrase.value.phrase && (
            <>
              <p class="muted">{t('phraseCurrent')}</p>
              <SecurityBadge phrase={phrase.value.phrase} />
            </>
          )}
          <PhraseForm current={phrase.value.phrase} onSaved={(p) => setPhrase({ ok: true, value: { phrase: p } })} />
        </>
      )}
    </Section>
  );
}

function PrefsSection() {
  const [prefs, setPrefs] = useState<UiPrefs | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(
    () =>
      void send('settings/prefs/get', {}).then((r) => (r.ok ? setPrefs(r.value.prefs) : setError(errorText(r.error)))),
    [],
  );
  const change = async (defaultEncryption: boolean) => {
    const r = await send('settings/prefs/set', { defaultEncryption });
    if (r.ok) setPrefs(r.value.prefs);
    else setError(errorText(r.error));
  };
  return (
    <Section title={t('prefsTitle')} testid="options-prefs">
      {prefs === null && error === null ? (
        <Loading />
      ) : (
        prefs && (
          <label class="check-row">
            <input
              type="checkbox"
              data-testid="default-encryption"
              checked={prefs.defaultEncryption}
              aria-describedby="default-enc-hint"
              onChange={(e) => void change(e.currentTarget.checked)}
            />
            {t('prefsDefaultEncryption')}
          </label>
        )
      )}
      <p id="default-enc-hint" class="muted">
        {t('prefsDefaultEncryptionHint')}
      </p>
      {error !== null && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </Section>
  );
}

function DiagnosticsSection() {
  const [preview, setPreview] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const exportNow = async () => {
    const r = await send('settings/diagnostics/export', {});
    if (!r.ok) return setError(errorText(r.error));
    const text = JSON.stringify(r.value.report, null, 2);
    setPreview(text);
    setError(null);
    downloadText(`hush-diagnostics-${r.value.report.createdAt.slice(0, 10)}.json`, text);
  };
  return (
    <Section title={t('diagTitle')} testid="options-diagnostics">
      <p>{t('diagExplain')}</p>
      <button type="button" data-testid="export-diagnostics" onClick={() => void exportNow()}>
        {t('diagExport')}
      </button>
      {preview !== null && (
        <pre class="diag-preview" data-testid="diagnostics-preview" tabIndex={0} aria-label={t('diagPreview')}>
          {preview}
        </pre>
      )}
      {error !== null && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </Section>
  );
}

export function Options() {
  return (
    <>
      <header>
        <h1>
          <img src="icons/hush-32.png" alt="" />
          {t('optionsTitle')}
        </h1>
      </header>
      <main class="options-main" data-testid="view-options">
        <PhraseSection />
        <PrefsSection />
        <KeySettingsForm />
        <Instances />
        <DiagnosticsSection />
        <p class="muted">{t('optionsVersion', browser.runtime.getManifest().version)}</p>
      </main>
    </>
  );
}
