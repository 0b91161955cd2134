import { fullHandle } from '../../messaging/handle';
import { useEffect, useState } from 'preact/hooks';
import browser from 'webextension-polyfill';
import { Failure, Loading, Section } from '../components/common';
import { t } from '../i18n';
import { keysApi, type AccountRef, type AccountStatus, type Failed, type Outcome } from '../keys-api';
import type { Navigate } from '../route';
import type { Context } from '../context';
import { permissionPattern } from '../tab';
import { UnlockForm } from '../components/unlock-form';

const acctOf = (ctx: Context) => {
  const a = ctx.state?.page.account;
  if (!a || !ctx.state) return null;
  return fullHandle(a.acct, ctx.state.page.domain);
};

function GrantAccess({ origin }: { origin: string }) {
  const [refused, setRefused] = useState(false);
  const enable = async () => {
    // Must run in the click handler: permission prompts need a user gesture.
    const ok = await browser.permissions.request({ origins: [permissionPattern(origin)] });
    setRefused(!ok);
    if (ok) window.close();
  };
  return (
    <Section title={t('homeNotEnabledTitle')} testid="not-granted">
      <p>{t('popupNotGranted', origin)}</p>
      <button class="primary" type="button" onClick={() => void enable()}>
        {t('popupEnableOn', new URL(origin).host)}
      </button>
      {refused && (
        <p class="error" role="alert">
          {t('popupGrantRefused')}
        </p>
      )}
    </Section>
  );
}

/** What a part of the account card acting on the account's key status gets: the status, and where a new one goes. */
interface StatusActionProps {
  account: AccountRef;
  status: AccountStatus;
  onDone: (s: AccountStatus) => void;
}

function EnableAccount({ account, status, onDone }: StatusActionProps) {
  const [fields, setFields] = useState<readonly { index: number; name: string }[] | null>(null);
  const [field, setField] = useState<number | null>(null);
  const [failed, setFailed] = useState<Failed | null>(null);
  const [busy, setBusy] = useState(false);
  const enable = async () => {
    setBusy(true);
    const r = await keysApi.enable(account, fields ? field : null);
    setBusy(false);
    if (!r.ok) return setFailed(r);
    setFailed(null);
    if (r.value.kind === 'enabled') onDone(r.value.status);
    else {
      // All profile fields are taken: the user picks which one Hush may replace, then enables again.
      setFields(r.value.fields);
      setField(r.value.fields[0]?.index ?? null);
    }
  };
  return (
    <div class="stack">
      <p>{t(status.state === 'revoked' ? 'homeRevokedExplain' : 'homeEnableExplain')}</p>
      {fields && (
        <fieldset data-testid="field-choice">
          <legend>{t('homeFieldChoice')}</legend>
          {fields.map((f) => (
            <label key={f.index} class="radio-row">
              <input type="radio" name="field" checked={field === f.index} onChange={() => setField(f.index)} />
              {t('homeFieldReplace', f.name)}
            </label>
          ))}
        </fieldset>
      )}
      <button class="primary" type="button" disabled={busy} onClick={() => void enable()} data-testid="enable-account">
        {t('homeEnableAction')}
      </button>
      {failed && <Failure reply={failed} />}
    </div>
  );
}

function PublishProblem({ account, status, onDone }: StatusActionProps) {
  if (!status.publish?.failing) return null;
  return (
    <div class="notice stack" role="status" data-testid="publish-failing">
      <p>{t('homePublishFailing')}</p>
      <button type="button" onClick={() => void keysApi.sync(account).then((r) => r.ok && onDone(r.value))}>
        {t('homePublishRetry')}
      </button>
    </div>
  );
}

/** Contacts whose key changed block sending until reviewed: the next action, shown on the first screen. */
function KeyChangeNotice({ account, navigate }: { account: AccountRef; navigate: Navigate }) {
  const [changed, setChanged] = useState<readonly string[]>([]);
  useEffect(
    () =>
      void keysApi
        .contacts(account, '')
        .then((r) => r.ok && setChanged(r.value.filter((c) => c.trust === 'changed').map((c) => c.acct))),
    [account.origin, account.accountId],
  );
  if (changed.length === 0) return null;
  return (
    <div class="notice stack" role="status" data-testid="key-change-notice">
      <p>{t('homeKeyChanged', String(changed.length))}</p>
      {changed.slice(0, 3).map((acct) => (
        <button key={acct} type="button" onClick={() => navigate({ view: 'key-change', acct })}>
          {t('homeReviewKeyChange', `@${acct}`)}
        </button>
      ))}
    </div>
  );
}

function AccountCard({ ctx, account, navigate }: { ctx: Context; account: AccountRef; navigate: Navigate }) {
  const [status, setStatus] = useState<Outcome<AccountStatus> | null>(null);
  const reload = () => void keysApi.status(account).then(setStatus);
  useEffect(reload, [account.origin, account.accountId]);
  const acct = acctOf(ctx) ?? '';
  const done = (s: AccountStatus) => setStatus({ ok: true, value: s });
  return (
    <Section title={t('homeAccountTitle')} testid="account-card">
      <p data-testid="account">{t('popupSignedInAs', `@${acct}`)}</p>
      <p class="muted" data-testid="detected">
        {t('popupDetected', ctx.state?.page.version ?? '', ctx.state?.page.domain ?? '')}
      </p>
      {status === null ? (
        <Loading />
      ) : !status.ok ? (
        <Failure reply={status} />
      ) : (
        <>
          <p data-testid="hush-state" data-state={status.value.state}>
            <strong>{t(`state_${status.value.state}`)}</strong>
          </p>
          {(status.value.state === 'not_enabled' || status.value.state === 'revoked') && (
            <EnableAccount account={account} status={status.value} onDone={done} />
          )}
          {status.value.state === 'locked' && <UnlockForm onUnlocked={reload} />}
          {status.value.state === 'enabled' && (
            <>
              <PublishProblem account={account} status={status.value} onDone={done} />
              <KeyChangeNotice account={account} navigate={navigate} />
              <div class="row">
                <button type="button" class="primary" onClick={() => navigate({ view: 'contacts' })}>
                  {t('homeVerifyContacts')}
                </button>
                <button type="button" onClick={() => navigate({ view: 'my-keys' })}>
                  {t('navMyKeys')}
                </button>
              </div>
            </>
          )}
        </>
      )}
    </Section>
  );
}

export function Home({ ctx, navigate }: { ctx: Context; navigate: Navigate }) {
  const { state, tab, granted, account } = ctx;
  return (
    <div class="stack" data-testid="view-home">
      {state && account ? (
        <AccountCard ctx={ctx} account={account} navigate={navigate} />
      ) : state ? (
        <Section title={t('homeAccountTitle')} testid="tab-state">
          <p data-testid="detected">{t('popupDetected', state.page.version, state.page.domain)}</p>
          <p data-testid="account">{t('popupSignedOut')}</p>
        </Section>
      ) : tab?.origin && !granted ? (
        <GrantAccess origin={tab.origin} />
      ) : (
        <p data-testid="not-mastodon">{t('popupNotMastodon')}</p>
      )}
      {/* After the account: the tab's next action comes first, the phrase is the next setup step. */}
      {ctx.phrase === null && (
        <Section title={t('phraseSetupTitle')} testid="phrase-setup-prompt">
          <p>{t('phraseSetupPrompt')}</p>
          <button type="button" onClick={() => navigate({ view: 'phrase' })}>
            {t('phraseSetupAction')}
          </button>
        </Section>
      )}
    </div>
  );
}
