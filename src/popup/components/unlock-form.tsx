import { useState } from 'preact/hooks';
import { Failure, Field } from './common';
import { t } from '../i18n';
import { keysApi, type Failed } from '../keys-api';

/** Unlocks Hush with the passphrase (`keys/unlock`): the popup's locked views and the inbox's locked screen. */
export function UnlockForm({ onUnlocked }: { onUnlocked: () => void }) {
  const [pass, setPass] = useState('');
  const [failed, setFailed] = useState<Failed | null>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    if (pass === '') return;
    const r = await keysApi.unlock(pass);
    setPass('');
    if (r.ok) onUnlocked();
    else setFailed(r);
  };
  return (
    <form class="stack" onSubmit={(e) => void submit(e)} data-testid="unlock-form">
      <Field
        id="unlock-pass"
        label={t('unlockLabel')}
        type="password"
        autocomplete="current-password"
        value={pass}
        onValue={setPass}
      />
      <button class="primary" type="submit">
        {t('unlockAction')}
      </button>
      {failed && <Failure reply={failed} />}
    </form>
  );
}
