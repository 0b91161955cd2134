import { useEffect, useRef, useState } from 'preact/hooks';
import { Failure, Fingerprint, Loading, TrustBadge } from '../components/common';
import { CompareNumber } from '../components/compare-number';
import { QrCode } from '../components/qr';
import { SafetyNumber } from '../components/safety-number';
import { t } from '../i18n';
import { keysApi, type AccountRef, type ContactDetail, type Failed, type Outcome } from '../keys-api';
import type { Navigate } from '../route';
import { ContactProblem } from './contacts';

/** Verify a contact: safety number, its QR code, how to compare, and "Mark as verified". */
export function Contact({ account, acct, navigate }: { account: AccountRef; acct: string; navigate: Navigate }) {
  const [detail, setDetail] = useState<Outcome<ContactDetail> | null>(null);
  const [markFailed, setMarkFailed] = useState<Failed | null>(null);
  const [checking, setChecking] = useState(false);
  // Only the newest request may set the view: a slow first load must not overwrite a "check again".
  const seq = useRef(0);
  const load = (refresh: boolean) => {
    const mine = ++seq.current;
    setChecking(true);
    void keysApi.contact(account, acct, refresh).then((r) => {
      if (mine !== seq.current) return;
      setDetail(r);
      setChecking(false);
    });
  };
  useEffect(() => load(false), [account.origin, account.accountId, acct]);

  const mark = async (d: ContactDetail) => {
    // The fingerprint shown is the one verified: if the key changed meanwhile, the background refuses (mismatch).
    const r = await keysApi.markVerified(account, d.contact.acct, d.contact.fingerprint);
    if (r.ok) setDetail({ ok: true, value: { ...d, contact: r.value } });
    else setMarkFailed(r);
  };

  return (
    <div class="stack" data-testid="view-contact">
      <h2>{t('verifyTitle', `@${acct}`)}</h2>
      {/* Asks the instances for the contact's current key now (a change shows up as "Key changed").
          Above the details so it does not move when they load. */}
      <button
        type="button"
        data-testid="refresh-contact"
        disabled={checking}
        aria-busy={checking}
        onClick={() => load(true)}
      >
        {t('contactRefresh')}
      </button>
      {detail === null ? (
        <Loading />
      ) : !detail.ok ? (
        <Failure reply={detail} />
      ) : (
        <>
          <p>
            {t('verifyState')} <TrustBadge trust={detail.value.contact.trust} />{' '}
            <ContactProblem contact={detail.value.contact} />
          </p>
          {detail.value.contact.trust === 'changed' && (
            <button type="button" class="primary" onClick={() => navigate({ view: 'key-change', acct })}>
              {t('keyChangeReview')}
            </button>
          )}
          <SafetyNumber digits={detail.value.safetyDigits} />
          <QrCode payload={detail.value.qrPayload} label={t('verifyQrLabel', `@${acct}`)} />
          <CompareNumber digits={detail.value.safetyDigits} />
          <Fingerprint value={detail.value.contact.fingerprint} label={t('fingerprintTheirs')} />
          {detail.value.contact.trust === 'unverified' && (
            <button type="button" class="primary" data-testid="mark-verified" onClick={() => void mark(detail.value)}>
              {t('verifyMark')}
            </button>
          )}
          {detail.value.contact.trust === 'verified' && (
            <p class="ok" role="status" data-testid="verified-note">
              {t('verifyDone')}
            </p>
          )}
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
