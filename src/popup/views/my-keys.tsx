import { useEffect, useState } from 'preact/hooks';
import { Failure, Fingerprint, Loading, Section } from '../components/common';
import { QrCode } from '../components/qr';
import { t } from '../i18n';
import { keysApi, type AccountRef, type Failed, type MyKeys as MyKeysInfo, type Outcome } from '../keys-api';
import { Backup } from './backup';
import { Passphrase } from './passphrase';
import { UnlockForm } from '../components/unlock-form';

function Revoke({ account, onRevoked }: { account: AccountRef; onRevoked: () => void }) {
  const [confirming, setConfirming] = useState(false);
  const [compromised, setCompromised] = useState(false);
  const [done, setDone] = useState(false);
  const [failed, setFailed] = useState<Failed | null>(null);
  const revoke = async () => {
    const r = await keysApi.revoke(account, compromised ? 'compromised' : 'unspecified');
    setConfirming(false);
    setDone(r.ok);
    setFailed(r.ok ? null : r);
    if (r.ok) onRevoked();
  };
  return (
    <Section title={t('revokeTitle')} testid="revoke">
      <p>{t('revokeExplain')}</p>
      {!confirming ? (
        <button type="button" class="danger" onClick={() => setConfirming(true)}>
          {t('revokeAction')}
        </button>
      ) : (
        <div class="stack" role="group" aria-label={t('revokeConfirmLabel')}>
          <label class="check-row">
            <input type="checkbox" checked={compromised} onChange={(e) => setCompromised(e.currentTarget.checked)} />
            {t('revokeCompromised')}
          </label>
          <div class="row">
            <button type="button" class="danger" data-testid="revoke-confirm" onClick={() => void revoke()}>
              {t('revokeConfirm')}
            </button>
            <button type="button" onClick={() => setConfirming(false)}>
              {t('cancel')}
            </button>
          </div>
        </div>
      )}
      {done && (
        <p class="ok" role="status">
          {t('revokeDone')}
        </p>
      )}
      {failed && <Failure reply={failed} />}
    </Section>
  );
}

export function MyKeys({ account }: { account: AccountRef }) {
  const [keys, setKeys] = useState<Outcome<MyKeysInfo> | null>(null);
  const reload = () => void keysApi.myKeys(account).then(setKeys);
  useEffect(reload, [account.origin, account.accountId]);
  const enabled = keys?.ok === true;
  return (
    <div class="stack" data-testid="view-my-keys">
      <h2>{t('navMyKeys')}</h2>
      {keys === null ? (
        <Loading />
      ) : !keys.ok ? (
        <Failure reply={keys} />
      ) : keys.value.locked ? (
        <Section title={t('lockedTitle')} testid="locked">
          <UnlockForm onUnlocked={reload} />
        </Section>
      ) : (
        <>
          <Section title={t('myKeyTitle')} testid="my-fingerprint">
            <p>{t('myKeyExplain')}</p>
            <QrCode payload={keys.value.qrPayload} label={t('myKeyQrLabel')} />
            <Fingerprint value={keys.value.fingerprint} label={t('fingerprintMine')} />
          </Section>
          <Passphrase keys={keys.value} onChange={reload} />
        </>
      )}
      {/* Restore stays reachable without keys: it is how a new browser starts. */}
      <Backup account={account} onRestored={reload} />
      {enabled && <Revoke account={account} onRevoked={reload} />}
    </div>
  );
}
