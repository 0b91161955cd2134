// div.ui in Mastodon's layouts (features/ui/index.jsx, components/columns_area.tsx):
// - single column: compose panel | routed column | navigation panel. Below 1175 px the compose
//   panel is not rendered at all and compose lives on /publish, reached from the navigation
//   panel's "New post" (4.4+; from 760 px) or the bottom `.ui__navigation-bar` (4.4+; below 760
//   px), or the `.ui__header` "New post" button (4.3);
// - multi column (advanced layout, /deck/...): the compose drawer, then the pinned Home and
//   Notifications columns, then the routed column, side by side in main.columns-area; one status
//   shows at once in Home, Notifications and Private mentions.
import { useEffect, useState } from 'preact/hooks';
import type { JSX } from 'preact';
import { generation } from '../app';
import { ComposeForm } from '../compose/ComposeForm';
import { Conversations } from '../conversations/Conversations';
import { Notifications } from '../notifications/Notifications';
import { Profile } from '../profile/Profile';
import { goBackAfterPublish, isMultiColumn, matchRoute, usePath, type Route } from '../router';
import { Thread } from '../thread/Thread';
import { HomeTimeline } from '../timeline/HomeTimeline';
import { Column } from './Column';
import { Icon } from './Icon';
import { ModalRoot } from './ModalRoot';

/** useBreakpoint: true while `(max-width: N px)` matches, following resizes. */
function useMaxWidth(px: number): boolean {
  const query = `(max-width: ${px}px)`;
  const [matches, setMatches] = useState(() => window.matchMedia(query).matches);
  useEffect(() => {
    const mq = window.matchMedia(query);
    const update = (): void => setMatches(mq.matches);
    mq.addEventListener('change', update);
    update();
    return () => mq.removeEventListener('change', update);
  }, [query]);
  return matches;
}

function ColumnLink(props: { href: string; icon: string; text: string; active: boolean }): JSX.Element {
  return (
    <a
      class={`column-link column-link--transparent${props.active ? ' active' : ''}`}
      href={props.href}
      title={props.text}
      aria-current={props.active ? 'page' : undefined}
    >
      <Icon id={props.icon} />
      <span>{props.text}</span>
    </a>
  );
}

function NavigationPanel(props: { route: Route; multiColumn?: boolean }): JSX.Element {
  const r = props.route.name;
  const gen = generation();
  return (
    <div class="navigation-panel">
      <ul class="navigation-panel__menu">
        {!props.multiColumn && gen.minor >= 4 && (
          <li>
            <a class="column-link button navigation-panel__compose-button" href="/publish" title="New Post">
              <Icon id="reply" />
              <span>New Post</span>
            </a>
          </li>
        )}
        <li>
          <ColumnLink href="/home" icon="home" text="Home" active={r === 'home'} />
        </li>
        <li>
          <ColumnLink href="/notifications" icon="bell" text="Notifications" active={r === 'notifications'} />
        </li>
        <li>
          <ColumnLink href="/conversations" icon="at" text="Private mentions" active={r === 'conversations'} />
        </li>
      </ul>
    </div>
  );
}

function PublishColumn(): JSX.Element {
  return (
    <Column title="New post" icon="reply">
      <div class="scrollable scrollable--flex">
        <ComposeForm onPublished={goBackAfterPublish} />
      </div>
    </Column>
  );
}

function RouteView(props: { route: Route; multiColumn?: boolean }): JSX.Element | null {
  const route = props.route;
  switch (route.name) {
    case 'home':
      return <HomeTimeline />;
    case 'conversations':
      return <Conversations />;
    case 'notifications':
      return <Notifications />;
    case 'thread':
      return <Thread key={route.statusId} statusId={route.statusId} />;
    case 'profile':
      return <Profile key={route.acct} acct={route.acct} />;
    // In the advanced layout the drawer is the compose form.
    case 'publish':
      return props.multiColumn ? null : <PublishColumn />;
    case 'getting-started':
      return (
        <Column title="Getting started" icon="bars">
          <NavigationPanel route={route} multiColumn={props.multiColumn} />
        </Column>
      );
    case 'not-found':
      return (
        <Column title="Not found" icon="warning">
          <div class="empty-column-indicator">This page could not be found.</div>
        </Column>
      );
  }
}

/** Mobile tab bar (4.4+ features/ui/components/navigation_bar.tsx); CSS shows it below 760 px. */
function NavigationBar(props: { route: Route }): JSX.Element {
  const item = (href: string, title: string, icon: string, active: boolean): JSX.Element => (
    <a class={`ui__navigation-bar__item${active ? ' active' : ''}`} href={href} aria-label={title}>
      <Icon id={icon} />
    </a>
  );
  const r = props.route.name;
  return (
    <div class="ui__navigation-bar">
      <div class="ui__navigation-bar__items active">
        {item('/home', 'Home', 'home', r === 'home')}
        {item('/publish', 'New Post', 'reply', r === 'publish')}
        {item('/notifications', 'Notifications', 'bell', r === 'notifications')}
        <button class="ui__navigation-bar__item" type="button" aria-label="Menu">
          <Icon id="bars" />
        </button>
      </div>
    </div>
  );
}

function SingleColumn(props: { route: Route }): JSX.Element {
  const { route } = props;
  const gen = generation();
  const narrow = useMaxWidth(1174);
  return (
    <div class="ui">
      {gen.minor < 4 && (
        <div class="ui__header">
          <a href="/home" class="ui__header__logo">
            Mastodon
          </a>
          <div class="ui__header__links">
            {route.name !== 'publish' && (
              <a href="/publish" class="button button-secondary">
                New post
              </a>
            )}
          </div>
        </div>
      )}
      <div class="columns-area__panels">
        <div class="columns-area__panels__pane columns-area__panels__pane--compositional">
          <div class="columns-area__panels__pane__inner">
            {/* Below 1175 px there is no compose panel; with /publish mounted the panel's form is left empty. */}
            {!narrow && (
              <div class="compose-panel">
                {route.name === 'publish' ? <div class="compose-form" /> : <ComposeForm />}
              </div>
            )}
          </div>
        </div>
        <main class="columns-area__panels__main">
          <div class="columns-area columns-area--mobile">
            <RouteView route={route} />
          </div>
        </main>
        <div class="columns-area__panels__pane columns-area__panels__pane--start columns-area__panels__pane--navigational">
          <div class="columns-area__panels__pane__inner">
            <NavigationPanel route={route} />
          </div>
        </div>
      </div>
      {gen.minor >= 4 && <NavigationBar route={route} />}
      <ModalRoot />
    </div>
  );
}

function MultiColumn(props: { route: Route }): JSX.Element {
  return (
    <div class="ui">
      <main class="columns-area" tabIndex={0}>
        <div class="drawer">
          <nav class="drawer__header" aria-label="Quick links">
            <a href="/getting-started" class="drawer__tab" title="Menu" aria-label="Menu">
              <Icon id="bars" />
            </a>
          </nav>
          <div class="drawer__pager" role="region" aria-label="Compose new post">
            <div class="drawer__inner">
              <ComposeForm />
            </div>
          </div>
        </div>
        <HomeTimeline />
        <Notifications />
        <RouteView route={props.route} multiColumn />
      </main>
      <ModalRoot />
    </div>
  );
}

export function App(): JSX.Element {
  const route = matchRoute(usePath());
  return isMultiColumn() ? <MultiColumn route={route} /> : <SingleColumn route={route} />;
}
