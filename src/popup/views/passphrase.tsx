import { useEffect, useState } from 'preact/hooks';
import { Failure, Field, Section } from '../components/common';
import { t } from '../i18n';
import { keysApi, type Failed, type MyKeys, type Strength } from '../keys-api';

const STRENGTH_KEYS = ['strength0', 'strength1', 'strength2', 'strength3', 'strength4'] as const;

/** Set or change the passphrase (strength judged by the background), or lock now. */
export function Passphrase({ keys, onChange }: { keys: MyKeys; onChange: () => void }) {
  const [current, setCurrent] = useState('');
  const [pass, setPass] = useState('');
  const [confirm, setConfirm] = useState('');
  const [strength, setStrength] = useState<Strength | null>(null);
  const [failed, setFailed] = useState<Failed | null>(null);
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    let live = true;
    if (pass === '') setStrength(null);
    else void keysApi.strength(pass).then((r) => live && setStrength(r.ok ? r.value : null));
    return () => {
      live = false;
    };
  }, [pass]);

  const set = async (e: Event) => {
    e.preventDefault();
    const r = await keysApi.setPassphrase(pass, keys.hasPassphrase ? current : null);
    setPass('');
    setConfirm('');
    setCurrent('');
    setSaved(r.ok);
    setFailed(r.ok ? null : r);
    if (r.ok) onChange();
  };
  const lock = async () => {
    const r = await keysApi.lock();
    if (r.ok) onChange();
    else setFailed(r);
  };
  const mismatch = confirm !== '' && confirm !== pass;

  return (
    <Section title={t('passTitle')} testid="passphrase">
      <p>{t(keys.hasPassphrase ? 'passExplainSet' : 'passExplainUnset')}</p>
      {keys.hasPassphrase && (
        <button type="button" data-testid="lock-now" onClick={() => void lock()}>
          {t('passLockNow')}
        </button>
      )}
      <form class="stack" onSubmit={(e) => void set(e)}>
        {keys.hasPassphrase && (
          <Field
            id="current-pass"
            label={t('passCurrent')}
            type="password"
            autocomplete="current-password"
            value={current}
            onValue={setCurrent}
          />
        )}
        <Field
          id="new-pass"
          label={t(keys.hasPassphrase ? 'passChange' : 'passNew')}
          type="password"
          autocomplete="new-password"
          value={pass}
          aria-describedby="pass-strength"
          onValue={setPass}
        />
        <p id="pass-strength" class="muted" aria-live="polite" data-testid="pass-strength">
          {strength ? t(STRENGTH_KEYS[strength.score]) : ''}
        </p>
        {strength && <meter min={0} max={4} value={strength.score} aria-label={t('passStrength')} />}
        <Field
          id="confirm-pass"
          label={t('passConfirm')}
          type="password"
          autocomplete="new-password"
          value={confirm}
          onValue={setConfirm}
          aria-invalid={mismatch}
        />
        {mismatch && (
          <p class="error" role="alert">
            {t('passMismatch')}
          </p>
        )}
        <button
          type="submit"
          class="primary"
          data-testid="save-passphrase"
          disabled={
            pass === '' || confirm !== pass || strength?.acceptable !== true || (keys.hasPassphrase && current === '')
          }
        >
          {t('passSave')}
        </button>
      </form>
      {saved && (
        <p class="ok" role="status">
          {t('passSaved')}
        </p>
      )}
      {failed && <Failure reply={failed} />}
    </Section>
  );
}
