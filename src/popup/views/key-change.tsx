import { useEffect, useState } from 'preact/hooks';
import type { Reply } from '../../messaging/result';
import { Failure, Fingerprint, Loading } from '../components/common';
import { formatDate, t } from '../i18n';
import { keysApi, type AccountRef, type KeyChange as KeyChangeInfo } from '../keys-api';
import type { Navigate } from '../route';

/** A contact's key changed: what, when, served by which instance; Accept or Keep blocked. */
export function KeyChange({ account, acct, navigate }: { account: AccountRef; acct: string; navigate: Navigate }) {
  const [info, setInfo] = useState<Reply<KeyChangeInfo> | null>(null);
  const [outcome, setOutcome] = useState<'accepted' | 'blocked' | null>(null);
  const [failed, setFailed] = useState<Reply<unknown> & { ok: false } | null>(null);
  useEffect(() => void keysApi.keyChange(account, acct).then(setInfo), [account.origin, account.accountId, acct]);

  const resolve = async (accept: boolean) => {
    const r = await keysApi.resolveKeyChange(account, acct, accept);
    if (r.ok) setOutcome(accept ? 'accepted' : 'blocked');
    else setFailed(r);
  };

  return (
    <div class="stack" data-testid="view-key-change">
      <h2>{t('keyChangeTitle', `@${acct}`)}</h2>
      {info === null ? <Loading /> : !info.ok ? <Failure reply={info} /> : (
        <>
          <p>{t('keyChangeExplain', `@${acct}`)}</p>
          <dl class="facts">
            <dt>{t('keyChangeWhen')}</dt><dd data-testid="changed-at">{formatDate(info.value.changedAt)}</dd>
            <dt>{t('keyChangeServedBy')}</dt><dd data-testid="served-by">{info.value.servedBy}</dd>
          </dl>
          <Fingerprint value={info.value.oldFingerprint} label={t('keyChangeOld')} />
          <Fingerprint value={info.value.newFingerprint} label={t('keyChangeNew')} />
          <p class="muted">{t('keyChangeAdvice')}</p>
          {outcome === null ? (
            <div class="row">
              <button type="button" class="primary" data-testid="accept-change" onClick={() => void resolve(true)}>{t('keyChangeAccept')}</button>
              <button type="button" data-testid="keep-blocked" onClick={() => void resolve(false)}>{t('keyChangeKeepBlocked')}</button>
            </div>
          ) : (
            <p class="ok" role="status" data-testid="key-change-outcome">{t(outcome === 'accepted' ? 'keyChangeAccepted' : 'keyChangeBlocked')}</p>
          )}
          {outcome === 'accepted' && <button type="button" onClick={() => navigate({ view: 'contact', acct })}>{t('keyChangeVerifyNow')}</button>}
          {failed && <Failure reply={failed} />}
        </>
      )}
    </div>
  );
}
