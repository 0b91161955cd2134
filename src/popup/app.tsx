import { useEffect, useRef, useState } from 'preact/hooks';
import browser from 'webextension-polyfill';
import { Loading } from './components/common';
import { PhraseForm } from './components/phrase-form';
import { InboxLinks } from './components/inbox-links';
import { SecurityBadge } from './components/security-badge';
import { loadContext, type Context } from './context';
import { t } from './i18n';
import { routeFromSearch, type Route } from './route';
import { Contact } from './views/contact';
import { Contacts } from './views/contacts';
import { Home } from './views/home';
import { KeyChange } from './views/key-change';
import { MyKeys } from './views/my-keys';

const TABS = [
  { view: 'home', key: 'navThisTab' },
  { view: 'contacts', key: 'navContacts' },
  { view: 'my-keys', key: 'navMyKeys' },
] as const;

function NeedsAccount() {
  return (
    <p class="notice" data-testid="needs-account">
      {t('needsAccount')}
    </p>
  );
}

function View({
  ctx,
  route,
  navigate,
  setPhrase,
}: {
  ctx: Context;
  route: Route;
  navigate: (r: Route) => void;
  setPhrase: (c: Context) => void;
}) {
  const { account } = ctx;
  switch (route.view) {
    case 'home':
      return <Home ctx={ctx} navigate={navigate} />;
    case 'phrase':
      return (
        <div class="stack" data-testid="view-phrase">
          <h2>{t('phraseSetupTitle')}</h2>
          <PhraseForm current={ctx.phrase} onSaved={(phrase) => setPhrase({ ...ctx, phrase })} />
        </div>
      );
    case 'contacts':
      return account ? <Contacts account={account} navigate={navigate} /> : <NeedsAccount />;
    case 'contact':
      return account ? <Contact account={account} acct={route.acct} navigate={navigate} /> : <NeedsAccount />;
    case 'key-change':
      return account ? <KeyChange account={account} acct={route.acct} navigate={navigate} /> : <NeedsAccount />;
    case 'my-keys':
      return account ? <MyKeys account={account} /> : <NeedsAccount />;
  }
}

export function App() {
  const [ctx, setCtx] = useState<Context | null>(null);
  const [route, setRoute] = useState<Route>(() => routeFromSearch(location.search));
  const heading = useRef<HTMLDivElement>(null);
  useEffect(() => void loadContext().then(setCtx), []);
  const navigate = (to: Route) => {
    setRoute(to);
    // Move focus to the new view so keyboard and screen-reader users land on it.
    requestAnimationFrame(() => {
      const h = heading.current?.querySelector<HTMLElement>('h2');
      h?.setAttribute('tabindex', '-1');
      h?.focus();
    });
  };
  const current = route.view === 'contact' || route.view === 'key-change' ? 'contacts' : route.view;

  return (
    <>
      <header>
        <h1>
          <img src="icons/hush-32.png" alt="" />
          {t('popupTitle')}
        </h1>
        {ctx?.phrase && <SecurityBadge phrase={ctx.phrase} />}
      </header>
      <nav aria-label={t('navLabel')}>
        {TABS.map((tab) => (
          <button
            key={tab.view}
            type="button"
            class="tab"
            aria-current={current === tab.view ? 'page' : undefined}
            data-testid={`nav-${tab.view}`}
            onClick={() => navigate({ view: tab.view })}
          >
            {t(tab.key)}
          </button>
        ))}
      </nav>
      <main ref={heading}>
        {ctx === null ? <Loading /> : <View ctx={ctx} route={route} navigate={navigate} setPhrase={setCtx} />}
        {ctx &&
          (ctx.ping ? (
            <p class="muted" data-testid="background">
              {t(
                'popupBackground',
                ctx.ping.version,
                ctx.ping.sodium.ready ? `libsodium ${ctx.ping.sodium.version ?? ''}` : (ctx.ping.sodium.error ?? '?'),
              )}
            </p>
          ) : (
            <p class="error" role="alert">
              {t('popupBackgroundDown', ctx.pingError ?? '')}
            </p>
          ))}
      </main>
      <footer class="stack">
        <InboxLinks />
        <button type="button" class="link" onClick={() => void browser.runtime.openOptionsPage()}>
          {t('openOptions')}
        </button>
      </footer>
    </>
  );
}
