// div.ui in the single-column layout: compose panel | column | navigation panel, plus the modal root.
import type { JSX } from 'preact';
import { ComposeForm } from '../compose/ComposeForm';
import { Conversations } from '../conversations/Conversations';
import { Notifications } from '../notifications/Notifications';
import { Profile } from '../profile/Profile';
import { goBackOr, matchRoute, usePath, type Route } from '../router';
import { Thread } from '../thread/Thread';
import { HomeTimeline } from '../timeline/HomeTimeline';
import { Column } from './Column';
import { Icon } from './Icon';
import { ModalRoot } from './ModalRoot';

function NavigationPanel(props: { route: Route }): JSX.Element {
  const link = (href: string, icon: string, text: string, active: boolean): JSX.Element => (
    <a class={`column-link column-link--transparent${active ? ' active' : ''}`} href={href} title={text} aria-current={active ? 'page' : undefined}>
      <Icon id={icon} />
      <span>{text}</span>
    </a>
  );
  const r = props.route.name;
  return (
    <div class="navigation-panel">
      <div class="navigation-panel__menu">
        {link('/home', 'home', 'Home', r === 'home')}
        {link('/notifications', 'bell', 'Notifications', r === 'notifications')}
        {link('/conversations', 'at', 'Private mentions', r === 'conversations')}
      </div>
    </div>
  );
}

function RouteView(props: { route: Route }): JSX.Element {
  const route = props.route;
  switch (route.name) {
    case 'home': return <HomeTimeline />;
    case 'conversations': return <Conversations />;
    case 'notifications': return <Notifications />;
    case 'thread': return <Thread key={route.statusId} statusId={route.statusId} />;
    case 'profile': return <Profile key={route.acct} acct={route.acct} />;
    case 'publish': return <Column title="New post" icon="reply"><div class="scrollable scrollable--flex"><ComposeForm onPublished={() => goBackOr('/home')} /></div></Column>;
    case 'not-found': return <Column title="Not found" icon="warning"><div class="empty-column-indicator">This page could not be found.</div></Column>;
  }
}

export function App(): JSX.Element {
  const route = matchRoute(usePath());
  return (
    <div class="ui">
      {/* Narrow screens (CSS): the compose pane is hidden and this header links to /publish. */}
      <div class="ui__header">
        <a href="/home" class="ui__header__logo">Mastodon</a>
        <div class="ui__header__links">
          <a href="/publish" class="button">New post</a>
        </div>
      </div>
      <div class="columns-area__panels">
        <div class="columns-area__panels__pane columns-area__panels__pane--compositional">
          <div class="columns-area__panels__pane__inner">
            <div class="compose-panel">
              {/* 4.4+: the panel leaves its form empty while another compose form (/publish) is mounted. */}
              {route.name === 'publish' ? <div class="compose-form" /> : <ComposeForm />}
            </div>
          </div>
        </div>
        <div class="columns-area__panels__main">
          <div class="columns-area columns-area--mobile">
            <RouteView route={route} />
          </div>
        </div>
        <div class="columns-area__panels__pane columns-area__panels__pane--start columns-area__panels__pane--navigational">
          <div class="columns-area__panels__pane__inner">
            <NavigationPanel route={route} />
          </div>
        </div>
      </div>
      <ModalRoot />
    </div>
  );
}
