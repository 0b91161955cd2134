import { formatDate, t } from '../i18n';
import type { IdentityChangeInfo, IdentitySide } from '../identity';

export type IdentityOutcome = 'accepted' | 'blocked' | null;

export function hostOf(origin: string): string {
  try {
    return new URL(origin).host;
  } catch {
    return origin;
  }
}

const grouped = (fp: string): string =>
  fp
    .replace(/\s+/g, '')
    .match(/.{1,4}/g)
    ?.join(' ') ?? fp;

/** A value of one side; `changed` marks it (in words, not only by style) when it differs from the other side. */
function Fact({
  label,
  value,
  changed,
  mark,
  testid,
  mono = false,
}: {
  label: string;
  value: string;
  changed: boolean;
  mark: boolean;
  testid: string;
  mono?: boolean;
}) {
  return (
    <>
      <dt>{label}</dt>
      <dd data-testid={testid} data-changed={changed ? 'true' : 'false'}>
        {mono ? <code class="fingerprint">{value}</code> : <span class="identity-value">{value}</span>}
        {changed && mark && (
          <>
            {' '}
            <strong class="identity-changed">{t('identityChangeDiffers')}</strong>
          </>
        )}
      </dd>
    </>
  );
}

/** One side's facts; `mark` names, on the new side, what differs from the old one. */
function Side({
  side,
  other,
  title,
  testid,
  mark,
}: {
  side: IdentitySide;
  other: IdentitySide;
  title: string;
  testid: string;
  mark: boolean;
}) {
  const served = side.servedBy.length === 0 ? t('identityChangeNotRecorded') : side.servedBy.map(hostOf).join(', ');
  const id = `h-${testid}`;
  return (
    <section class="card" aria-labelledby={id} data-testid={testid}>
      <h3 id={id}>{title}</h3>
      <dl class="facts">
        <Fact
          label={t('identityChangeHandle')}
          value={`@${side.acct}`}
          changed={side.acct.toLowerCase() !== other.acct.toLowerCase()}
          mark={mark}
          testid={`${testid}-acct`}
        />
        <Fact
          label={t('identityChangeAddress')}
          value={side.actorUri}
          changed={side.actorUri !== other.actorUri}
          mark={mark}
          testid={`${testid}-uri`}
        />
        <Fact
          label={t('identityChangeKey')}
          value={side.fingerprint === null ? t('identityChangeNoKey') : grouped(side.fingerprint)}
          mono={side.fingerprint !== null}
          changed={side.fingerprint !== other.fingerprint}
          mark={mark}
          testid={`${testid}-fingerprint`}
        />
        <Fact
          label={t('identityChangeServedBy')}
          value={served}
          changed={false}
          mark={false}
          testid={`${testid}-served-by`}
        />
      </dl>
    </section>
  );
}

/**
 * A blocked identity change (issue #21) as one decision: the account the user knows next to the
 * one the instances now name (handle, address, key, who confirmed each), then Keep the old account
 * (first: the safe choice) or Accept the new one.
 */
export function IdentityChangeReview({
  acct,
  change,
  outcome,
  onDecide,
}: {
  acct: string;
  change: IdentityChangeInfo;
  outcome: IdentityOutcome;
  onDecide: (accept: boolean) => void;
}) {
  const noKey = change.after.fingerprint === null;
  return (
    <div class="stack" data-testid="identity-change">
      <h2>{t('identityChangeTitle', `@${acct}`)}</h2>
      <p>{t('identityChangeExplain', `@${acct}`)}</p>
      <p class="muted">
        {t('identityChangeWhen')} <span data-testid="identity-changed-at">{formatDate(change.changedAt)}</span>
      </p>
      <Side
        side={change.before}
        other={change.after}
        title={t('identityChangeBefore')}
        testid="identity-before"
        mark={false}
      />
      <Side side={change.after} other={change.before} title={t('identityChangeAfter')} testid="identity-after" mark />
      {change.keptBlocked && outcome === null && (
        <p class="notice" data-testid="identity-still-blocked">
          {t('identityChangeStillBlocked')}
        </p>
      )}
      <p class="muted">{t('identityChangeAdvice')}</p>
      {noKey && outcome === null && (
        <p class="notice" data-testid="identity-no-key">
          {t('identityChangeNoKeyNote')}
        </p>
      )}
      {outcome === null ? (
        <div class="row">
          <button type="button" class="primary" data-testid="identity-keep-old" onClick={() => onDecide(false)}>
            {t('identityChangeKeepOld')}
          </button>
          <button type="button" data-testid="identity-accept" onClick={() => onDecide(true)}>
            {t('identityChangeAccept')}
          </button>
        </div>
      ) : (
        <p class="ok" role="status" data-testid="identity-outcome" data-outcome={outcome}>
          {t(
            outcome === 'blocked'
              ? 'identityChangeKept'
              : noKey
                ? 'identityChangeAcceptedNoKey'
                : 'identityChangeAccepted',
          )}
        </p>
      )}
    </div>
  );
}
