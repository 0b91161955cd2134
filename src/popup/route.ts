import { parseHandle } from '../messaging/handle';

/** Popup views. The initial one can come from the URL (`?view=contacts&acct=…`), for tests and deep links. */
export type Route =
  | { readonly view: 'home' }
  | { readonly view: 'contacts' }
  | { readonly view: 'contact'; readonly acct: string }
  | { readonly view: 'key-change'; readonly acct: string }
  | { readonly view: 'my-keys' }
  | { readonly view: 'phrase' };

/** user or user@domain as typed or shown (Mastodon's rules, messaging/handle.ts); a leading @ is stripped by callers. */
export const isAcct = (text: string): boolean => !text.startsWith('@') && parseHandle(text, 'home.invalid') !== null;

export function routeFromSearch(search: string): Route {
  const q = new URLSearchParams(search);
  const acct = q.get('acct') ?? '';
  switch (q.get('view')) {
    case 'contacts':
      return { view: 'contacts' };
    case 'my-keys':
      return { view: 'my-keys' };
    case 'phrase':
      return { view: 'phrase' };
    case 'contact':
      return isAcct(acct) ? { view: 'contact', acct } : { view: 'contacts' };
    case 'key-change':
      return isAcct(acct) ? { view: 'key-change', acct } : { view: 'contacts' };
    default:
      return { view: 'home' };
  }
}

export type Navigate = (to: Route) => void;
