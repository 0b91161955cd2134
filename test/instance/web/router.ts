// A minimal history router: pushState between columns, no reloads (react-router's behaviour), with
// Mastodon's advanced-layout rules (components/router.tsx, react_router_helpers.jsx): in the
// multi-column layout every pushed path gets a `/deck` prefix and routes match without it.
import { useEffect, useState } from 'preact/hooks';

export type Route =
  | { name: 'home' }
  | { name: 'conversations' }
  | { name: 'notifications' }
  | { name: 'publish' }
  | { name: 'getting-started' }
  | { name: 'thread'; acct: string; statusId: string }
  | { name: 'profile'; acct: string }
  | { name: 'not-found'; path: string };

let multiColumn = false;

/** initial_state.ts hasMultiColumnPath: the paths on which the advanced layout applies at all. */
export function hasMultiColumnPath(initialPath: string): boolean {
  return (
    initialPath === '/' ||
    initialPath === '/getting-started' ||
    initialPath === '/home' ||
    initialPath.startsWith('/deck')
  );
}

/** Set once at boot: advanced_layout on, a multi-column initial path, and a window wider than 630 px. */
export function setMultiColumn(on: boolean): void {
  multiColumn = on;
}

export function isMultiColumn(): boolean {
  return multiColumn;
}

/** WrappedSwitch's decklessLocation: `/deck/x` matches as `/x`. */
export function withoutDeck(path: string): string {
  if (path === '/deck') return '/';
  return path.startsWith('/deck/') ? path.slice(5) : path;
}

export function matchRoute(path: string): Route {
  const p = withoutDeck(path.replace(/\/+$/, '') || '/');
  if (p === '/' || p === '/home' || p === '/timelines/home')
    return p === '/' && multiColumn ? { name: 'getting-started' } : { name: 'home' };
  if (p === '/getting-started') return multiColumn ? { name: 'getting-started' } : { name: 'home' };
  if (p === '/conversations' || p === '/timelines/direct') return { name: 'conversations' };
  if (p === '/notifications') return { name: 'notifications' };
  if (p === '/publish' || p === '/statuses/new') return { name: 'publish' };
  const thread = /^\/@([^/]+)\/([^/]+)$/.exec(p);
  if (thread?.[1] && thread[2]) return { name: 'thread', acct: decodeURIComponent(thread[1]), statusId: thread[2] };
  const profile = /^\/@([^/]+)$/.exec(p);
  if (profile?.[1]) return { name: 'profile', acct: decodeURIComponent(profile[1]) };
  return { name: 'not-found', path: p };
}

/** normalizePath: the advanced layout pushes `/deck/...`. */
export function normalizePath(path: string): string {
  return multiColumn && !path.startsWith('/deck') ? `/deck${path}` : path;
}

/**
 * The redirects of SwitchingColumnsArea at boot: the advanced layout sends `/` and `/home` to
 * `/deck/getting-started`; the single-column layout drops a `/deck` prefix.
 */
export function bootRedirect(path: string): string | null {
  if (multiColumn) return path === '/' || path === '/home' || path === '/deck' ? '/deck/getting-started' : null;
  if (path === '/deck') return '/home';
  return path.startsWith('/deck/') ? path.slice(5) : null;
}

const listeners = new Set<() => void>();

function notify(): void {
  for (const l of listeners) l();
}

export function navigate(path: string): void {
  const target = normalizePath(path);
  if (target === location.pathname + location.search) return;
  // The history package stores a state object on every entry it pushes.
  history.pushState({ key: Math.random().toString(36).slice(2, 8) }, '', target);
  notify();
}

export function replacePath(path: string): void {
  history.replaceState(history.state, '', path);
  notify();
}

/**
 * After a successful post on /publish, Mastodon goes back only when the entry was pushed by the
 * app (`window.history.state` set); a /publish opened directly stays where it is.
 */
export function goBackAfterPublish(): void {
  const p = withoutDeck(location.pathname);
  if ((p === '/publish' || p === '/statuses/new') && history.state !== null && history.state !== undefined)
    history.back();
}

export function usePath(): string {
  const [path, setPath] = useState(location.pathname);
  useEffect(() => {
    const update = (): void => setPath(location.pathname);
    listeners.add(update);
    window.addEventListener('popstate', update);
    return () => {
      listeners.delete(update);
      window.removeEventListener('popstate', update);
    };
  }, []);
  return path;
}

/** Intercepts same-origin app links (like react-router's <Link>); leaves modified clicks alone. */
export function installLinkInterception(root: HTMLElement): void {
  root.addEventListener('click', (e) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    const a = e.target instanceof Element ? e.target.closest('a') : null;
    if (!a || a.target === '_blank' || a.hasAttribute('download')) return;
    const href = a.getAttribute('href');
    if (!href?.startsWith('/') || href.startsWith('//')) return;
    if (matchRoute(href.split('?')[0] ?? href).name === 'not-found') return;
    e.preventDefault();
    navigate(href);
  });
}
