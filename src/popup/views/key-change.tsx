import { useEffect, useState } from 'preact/hooks';
import { Failure, Fingerprint, Loading } from '../components/common';
import { formatDate, t } from '../i18n';
import { keysApi, type AccountRef, type ContactDetail, type Failed, type Outcome } from '../keys-api';
import type { Navigate } from '../route';
import { hostOf, IdentityChangeReview } from './identity-change';

/** A contact's key changed: what, when, served by which instance; Accept or Keep blocked. */
export function KeyChange({ account, acct, navigate }: { account: AccountRef; acct: string; navigate: Navigate }) {
  const [detail, setDetail] = useState<Outcome<ContactDetail> | null>(null);
  const [outcome, setOutcome] = useState<'accepted' | 'blocked' | null>(null);
  const [identityOutcome, setIdentityOutcome] = useState<'accepted' | 'blocked' | null>(null);
  const [failed, setFailed] = useState<Failed | null>(null);
  useEffect(() => void keysApi.contact(account, acct).then(setDetail), [account.origin, account.accountId, acct]);

  const resolve = async (accept: boolean, newFingerprint: string) => {
    // The new fingerprint shown is the one accepted: a key swapped again meanwhile is refused (mismatch).
    const r = await keysApi.resolveKeyChange(account, acct, accept, newFingerprint);
    if (r.ok) setOutcome(accept ? 'accepted' : 'blocked');
    else setFailed(r);
  };

  const identity = detail?.ok ? detail.value.identityChange : null;
  if (identity !== null) {
    // An identity change comes first: the key change (if any) is about an account still under review.
    const decide = async (accept: boolean) => {
      const r = await keysApi.resolveKeyChange(account, acct, accept, identity.decisionFingerprint);
      if (r.ok) setIdentityOutcome(accept ? 'accepted' : 'blocked');
      else setFailed(r);
    };
    return (
      <div class="stack" data-testid="view-key-change">
        <IdentityChangeReview
          acct={acct}
          change={identity}
          outcome={identityOutcome}
          onDecide={(accept) => void decide(accept)}
        />
        {identityOutcome === 'accepted' && identity.after.fingerprint !== null && (
          <button type="button" onClick={() => navigate({ view: 'contact', acct: identity.after.acct })}>
            {t('keyChangeVerifyNow')}
          </button>
        )}
        {failed && <Failure reply={failed} />}
      </div>
    );
  }
  const change = detail?.ok ? detail.value.keyChange : null;
  return (
    <div class="stack" data-testid="view-key-change">
      <h2>{t('keyChangeTitle', `@${acct}`)}</h2>
      {detail === null ? (
        <Loading />
      ) : !detail.ok ? (
        <Failure reply={detail} />
      ) : change === null ? (
        <p data-testid="no-key-change">{t('keyChangeNone')}</p>
      ) : (
        <>
          <p>{t('keyChangeExplain', `@${acct}`)}</p>
          <dl class="facts">
            <dt>{t('keyChangeWhen')}</dt>
            <dd data-testid="changed-at">{formatDate(change.changedAt)}</dd>
            <dt>{t('keyChangeServedBy')}</dt>
            <dd data-testid="served-by">{change.servedBy.map((o) => hostOf(o)).join(', ')}</dd>
          </dl>
          <Fingerprint value={change.oldFingerprint} label={t('keyChangeOld')} />
          <Fingerprint value={change.newFingerprint} label={t('keyChangeNew')} />
          {change.keptBlocked && outcome === null && (
            <p class="notice" data-testid="still-blocked">
              {t('keyChangeStillBlocked')}
            </p>
          )}
          <p class="muted">{t('keyChangeAdvice')}</p>
          {outcome === null ? (
            <div class="row">
              <button
                type="button"
                class="primary"
                data-testid="accept-change"
                onClick={() => void resolve(true, change.newFingerprint)}
              >
                {t('keyChangeAccept')}
              </button>
              <button
                type="button"
                data-testid="keep-blocked"
                onClick={() => void resolve(false, change.newFingerprint)}
              >
                {t('keyChangeKeepBlocked')}
              </button>
            </div>
          ) : (
            <p class="ok" role="status" data-testid="key-change-outcome" data-outcome={outcome}>
              {t(outcome === 'accepted' ? 'keyChangeAccepted' : 'keyChangeBlocked')}
            </p>
          )}
          {outcome === 'accepted' && (
            <button type="button" onClick={() => navigate({ view: 'contact', acct })}>
              {t('keyChangeVerifyNow')}
            </button>
          )}
          {failed && <Failure reply={failed} />}
        </>
      )}
    </div>
  );
}
