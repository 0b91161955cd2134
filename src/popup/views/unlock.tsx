import { useState } from 'preact/hooks';
import type { Reply } from '../../messaging/result';
import { Failure } from '../components/common';
import { t } from '../i18n';
import { keysApi, type AccountRef } from '../keys-api';

export function UnlockForm({ account, onUnlocked }: { account: AccountRef; onUnlocked: () => void }) {
  const [pass, setPass] = useState('');
  const [failed, setFailed] = useState<Reply<unknown> & { ok: false } | null>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    const r = await keysApi.unlock(account, pass);
    setPass('');
    if (r.ok) onUnlocked();
    else setFailed(r);
  };
  return (
    <form class="stack" onSubmit={(e) => void submit(e)} data-testid="unlock-form">
      <label for="unlock-pass">{t('unlockLabel')}</label>
      <input id="unlock-pass" type="password" autocomplete="current-password" value={pass} onInput={(e) => setPass(e.currentTarget.value)} />
      <button class="primary" type="submit">{t('unlockAction')}</button>
      {failed && <Failure reply={failed} />}
    </form>
  );
}
