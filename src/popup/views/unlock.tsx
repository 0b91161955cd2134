import { useState } from 'preact/hooks';
import { Failure } from '../components/common';
import { t } from '../i18n';
import { keysApi, type Failed } from '../keys-api';

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
      <label for="unlock-pass">{t('unlockLabel')}</label>
      <input
        id="unlock-pass"
        type="password"
        autocomplete="current-password"
        value={pass}
        onInput={(e) => setPass(e.currentTarget.value)}
      />
      <button class="primary" type="submit">
        {t('unlockAction')}
      </button>
      {failed && <Failure reply={failed} />}
    </form>
  );
}
