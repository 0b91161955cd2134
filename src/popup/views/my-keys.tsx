import { useEffect, useState } from 'preact/hooks';
import type { Reply } from '../../messaging/result';
import { Failure, Fingerprint, Loading, Section } from '../components/common';
import { QrCode } from '../components/qr';
import { t } from '../i18n';
import { keysApi, type AccountRef, type MyKeys as MyKeysInfo } from '../keys-api';
import { Backup } from './backup';
import { Passphrase } from './passphrase';
import { UnlockForm } from './unlock';

function Revoke({ account }: { account: AccountRef }) {
  const [confirming, setConfirming] = useState(false);
  const [result, setResult] = useState<Reply<unknown> | null>(null);
  return (
    <Section title={t('revokeTitle')} testid="revoke">
      <p>{t('revokeExplain')}</p>
      {!confirming ? (
        <button type="button" class="danger" onClick={() => setConfirming(true)}>{t('revokeAction')}</button>
      ) : (
        <div class="row" role="group" aria-label={t('revokeConfirmLabel')}>
          <button type="button" class="danger" data-testid="revoke-confirm" onClick={() => void keysApi.revoke(account).then(setResult)}>{t('revokeConfirm')}</button>
          <button type="button" onClick={() => setConfirming(false)}>{t('cancel')}</button>
        </div>
      )}
      {result && (result.ok ? <p class="ok" role="status">{t('revokeDone')}</p> : <Failure reply={result} />)}
    </Section>
  );
}

export function MyKeys({ account }: { account: AccountRef }) {
  const [keys, setKeys] = useState<Reply<MyKeysInfo> | null>(null);
  const reload = () => void keysApi.myKeys(account).then(setKeys);
  useEffect(reload, [account.origin, account.accountId]);
  return (
    <div class="stack" data-testid="view-my-keys">
      <h2>{t('navMyKeys')}</h2>
      {keys === null ? <Loading /> : !keys.ok ? <Failure reply={keys} /> : keys.value.locked ? (
        <Section title={t('lockedTitle')} testid="locked"><UnlockForm account={account} onUnlocked={reload} /></Section>
      ) : (
        <>
          <Section title={t('myKeyTitle')} testid="my-fingerprint">
            <p>{t('myKeyExplain')}</p>
            <QrCode payload={keys.value.qrPayload} label={t('myKeyQrLabel')} />
            <Fingerprint value={keys.value.fingerprint} label={t('fingerprintMine')} />
          </Section>
          <Passphrase account={account} keys={keys.value} onChange={(k) => setKeys({ ok: true, value: k })} />
        </>
      )}
      {/* Backup, restore and revoke stay reachable even when the key list could not load: restore is how a new browser starts. */}
      <Backup account={account} />
      <Revoke account={account} />
    </div>
  );
}
