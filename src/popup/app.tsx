import { useEffect, useState } from 'preact/hooks';
import browser from 'webextension-polyfill';
import type { PingResponse, TabState } from '../messaging/messages';
import { send } from '../messaging/client';
import { t } from './i18n';
import { currentTab, type ActiveTab } from './tab';

type View =
  | { kind: 'loading' }
  | { kind: 'ready'; ping: PingResponse | null; pingError: string | null; tab: ActiveTab | null; state: TabState | null; granted: boolean };

async function load(): Promise<View & { kind: 'ready' }> {
  const [ping, tab] = await Promise.all([send('ping', {}), currentTab()]);
  const stateReply = tab ? await send('popup/tab-state', { tabId: tab.id }) : null;
  const granted = tab?.origin ? await browser.permissions.contains({ origins: [`${tab.origin}/*`] }) : false;
  return {
    kind: 'ready',
    ping: ping.ok ? ping.value : null,
    pingError: ping.ok ? null : ping.error.message,
    tab,
    state: stateReply?.ok ? stateReply.value.state : null,
    granted,
  };
}

function TabSection({ view }: { view: View & { kind: 'ready' } }) {
  const [refused, setRefused] = useState(false);
  const { state, tab, granted } = view;
  if (state) {
    const { page } = state;
    return (
      <section class="card" data-testid="tab-state" aria-label={t('popupTitle')}>
        <p data-testid="detected">{t('popupDetected', page.version, page.domain)}</p>
        <p data-testid="account">{page.account ? t('popupSignedInAs', `@${page.account.acct.includes('@') ? page.account.acct : `${page.account.acct}@${page.domain}`}`) : t('popupSignedOut')}</p>
      </section>
    );
  }
  if (tab?.origin && !granted) {
    const origin = tab.origin;
    const enable = async () => {
      // Must run in the click handler: permission prompts need a user gesture.
      const ok = await browser.permissions.request({ origins: [`${origin}/*`] });
      setRefused(!ok);
      if (ok) window.close();
    };
    return (
      <section class="card" data-testid="not-granted">
        <p>{t('popupNotGranted', origin)}</p>
        <button class="primary" type="button" onClick={() => void enable()}>{t('popupEnableOn', new URL(origin).host)}</button>
        {refused && <p class="error" role="alert">{t('popupGrantRefused')}</p>}
      </section>
    );
  }
  return <p data-testid="not-mastodon">{t('popupNotMastodon')}</p>;
}

export function App() {
  const [view, setView] = useState<View>({ kind: 'loading' });
  useEffect(() => void load().then(setView), []);
  return (
    <main>
      <h1><img src="icons/hush-32.png" alt="" />{t('popupTitle')}</h1>
      {view.kind === 'loading' ? (
        <p aria-busy="true">{t('popupLoading')}</p>
      ) : (
        <>
          <TabSection view={view} />
          {view.ping ? (
            <p class="muted" data-testid="background">{t('popupBackground', view.ping.version, view.ping.sodium.ready ? `libsodium ${view.ping.sodium.version ?? ''}` : (view.ping.sodium.error ?? '?'))}</p>
          ) : (
            <p class="error" role="alert">{t('popupBackgroundDown', view.pingError ?? '')}</p>
          )}
        </>
      )}
    </main>
  );
}
