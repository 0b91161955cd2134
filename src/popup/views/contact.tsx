import { useEffect, useState } from 'preact/hooks';
import type { Reply } from '../../messaging/result';
import { Failure, Fingerprint, Loading, TrustBadge } from '../components/common';
import { QrCode } from '../components/qr';
import { SafetyNumber } from '../components/safety-number';
import { t } from '../i18n';
import { keysApi, type AccountRef, type ContactDetail } from '../keys-api';
import type { Navigate } from '../route';

/** Verify a contact: safety number, its QR code, how to compare, and "Mark as verified". */
export function Contact({ account, acct, navigate }: { account: AccountRef; acct: string; navigate: Navigate }) {
  const [detail, setDetail] = useState<Reply<ContactDetail> | null>(null);
  const [markFailed, setMarkFailed] = useState<Reply<unknown> & { ok: false } | null>(null);
  useEffect(() => void keysApi.contact(account, acct).then(setDetail), [account.origin, account.accountId, acct]);

  const mark = async (c: ContactDetail) => {
    const r = await keysApi.markVerified(account, c.acct, c.fingerprint);
    if (r.ok) setDetail({ ok: true, value: { ...c, trust: r.value.trust } });
    else setMarkFailed(r);
  };

  return (
    <div class="stack" data-testid="view-contact">
      <h2>{t('verifyTitle', `@${acct}`)}</h2>
      {detail === null ? <Loading /> : !detail.ok ? <Failure reply={detail} /> : (
        <>
          <p>{t('verifyState')} <TrustBadge trust={detail.value.trust} /></p>
          {detail.value.trust === 'changed' && (
            <button type="button" class="primary" onClick={() => navigate({ view: 'key-change', acct })}>{t('keyChangeReview')}</button>
          )}
          <SafetyNumber digits={detail.value.safetyDigits} />
          <QrCode payload={detail.value.qrPayload} label={t('verifyQrLabel', `@${acct}`)} />
          <Fingerprint value={detail.value.fingerprint} label={t('fingerprintTheirs')} />
          {detail.value.trust === 'unverified' && (
            <button type="button" class="primary" data-testid="mark-verified" onClick={() => void mark(detail.value)}>{t('verifyMark')}</button>
          )}
          {detail.value.trust === 'verified' && <p class="ok" role="status" data-testid="verified-note">{t('verifyDone')}</p>}
          {markFailed && <Failure reply={markFailed} />}
        </>
      )}
      <details class="explain" open>
        <summary>{t('verifyHowTitle')}</summary>
        <p>{t('verifyHowInPerson')}</p>
        <p>{t('verifyHowOtherChannel')}</p>
        <p>{t('verifyHowWhy')}</p>
      </details>
    </div>
  );
}
