// A minimal history router: pushState between columns, no reloads (react-router's behaviour).
import { useEffect, useState } from 'preact/hooks';

export type Route =
  | { name: 'home' }
  | { name: 'conversations' }
  | { name: 'notifications' }
  | { name: 'publish' }
  | { name: 'thread'; acct: string; statusId: string }
  | { name: 'profile'; acct: string }
  | { name: 'not-found'; path: string };

export function matchRoute(path: string): Route {
  const p = path.replace(/\/+$/, '') || '/';
  if (p === '/' || p === '/home' || p === '/timelines/home') return { name: 'home' };
  if (p === '/conversations' || p === '/timelines/direct') return { name: 'conversations' };
  if (p === '/notifications') return { name: 'notifications' };
  if (p === '/publish' || p === '/statuses/new') return { name: 'publish' };
  const thread = /^\/@([^/]+)\/([^/]+)$/.exec(p);
  if (thread?.[1] && thread[2]) return { name: 'thread', acct: decodeURIComponent(thread[1]), statusId: thread[2] };
  const profile = /^\/@([^/]+)$/.exec(p);
  if (profile?.[1]) return { name: 'profile', acct: decodeURIComponent(profile[1]) };
  return { name: 'not-found', path: p };
}

const listeners = new Set<() => void>();

export function navigate(path: string): void {
  if (path === location.pathname + location.search) return;
  history.pushState({ inApp: true }, '', path);
  for (const l of listeners) l();
}

/** goBack after publishing from /publish; a /publish opened directly goes to /home instead. */
export function goBackOr(path: string): void {
  if ((history.state as { inApp?: boolean } | null)?.inApp === true) history.back();
  else {
    history.replaceState({}, '', path);
    for (const l of listeners) l();
  }
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
