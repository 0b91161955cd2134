import { useEffect, useState } from 'preact/hooks';
import type { Reply } from '../../messaging/result';
import { Failure, Section } from '../components/common';
import { t } from '../i18n';
import { keysApi, type AccountRef, type MyKeys, type Strength } from '../keys-api';

const STRENGTH_KEYS = ['strength0', 'strength1', 'strength2', 'strength3', 'strength4'] as const;

/** Set a passphrase (with a strength meter computed by the background) or lock now. */
export function Passphrase({ account, keys, onChange }: { account: AccountRef; keys: MyKeys; onChange: (k: MyKeys) => void }) {
  const [pass, setPass] = useState('');
  const [confirm, setConfirm] = useState('');
  const [strength, setStrength] = useState<Strength | null>(null);
  const [failed, setFailed] = useState<Reply<unknown> & { ok: false } | null>(null);
  useEffect(() => {
    let live = true;
    if (pass === '') setStrength(null);
    else void keysApi.strength(pass).then((r) => live && setStrength(r.ok ? r.value : null));
    return () => { live = false; };
  }, [pass]);

  const set = async (e: Event) => {
    e.preventDefault();
    const r = await keysApi.setPassphrase(account, pass);
    setPass('');
    setConfirm('');
    if (r.ok) onChange(r.value);
    else setFailed(r);
  };
  const lock = async () => {
    const r = await keysApi.lock(account);
    if (r.ok) onChange(r.value);
    else setFailed(r);
  };
  const mismatch = confirm !== '' && confirm !== pass;

  return (
    <Section title={t('passTitle')} testid="passphrase">
      <p>{t(keys.hasPassphrase ? 'passExplainSet' : 'passExplainUnset')}</p>
      {keys.hasPassphrase && <button type="button" data-testid="lock-now" onClick={() => void lock()}>{t('passLockNow')}</button>}
      <form class="stack" onSubmit={(e) => void set(e)}>
        <label for="new-pass">{t(keys.hasPassphrase ? 'passChange' : 'passNew')}</label>
        <input id="new-pass" type="password" autocomplete="new-password" value={pass} aria-describedby="pass-strength" onInput={(e) => setPass(e.currentTarget.value)} />
        <p id="pass-strength" class="muted" aria-live="polite">{strength ? t(STRENGTH_KEYS[strength.score]) : ''}</p>
        {strength && <meter min={0} max={4} value={strength.score} aria-label={t('passStrength')} />}
        <label for="confirm-pass">{t('passConfirm')}</label>
        <input id="confirm-pass" type="password" autocomplete="new-password" value={confirm} onInput={(e) => setConfirm(e.currentTarget.value)} aria-invalid={mismatch} />
        {mismatch && <p class="error" role="alert">{t('passMismatch')}</p>}
        <button type="submit" class="primary" disabled={pass === '' || confirm !== pass || strength?.acceptable !== true}>{t('passSave')}</button>
      </form>
      {failed && <Failure reply={failed} />}
    </Section>
  );
}
