/** Popup views. The initial one can come from the URL (`?view=contacts&acct=…`), for tests and deep links. */
export type Route =
  | { readonly view: 'home' }
  | { readonly view: 'contacts' }
  | { readonly view: 'contact'; readonly acct: string }
  | { readonly view: 'key-change'; readonly acct: string }
  | { readonly view: 'my-keys' }
  | { readonly view: 'phrase' };

/** user or user@domain, as typed or shown (a leading @ stripped by callers). */
export const ACCT = /^[\w.-]{1,64}@[\w.-]{1,253}$|^[\w.-]{1,64}$/u;

export function routeFromSearch(search: string): Route {
  const q = new URLSearchParams(search);
  const acct = q.get('acct') ?? '';
  switch (q.get('view')) {
    case 'contacts': return { view: 'contacts' };
    case 'my-keys': return { view: 'my-keys' };
    case 'phrase': return { view: 'phrase' };
    case 'contact': return ACCT.test(acct) ? { view: 'contact', acct } : { view: 'contacts' };
    case 'key-change': return ACCT.test(acct) ? { view: 'key-change', acct } : { view: 'contacts' };
    default: return { view: 'home' };
  }
}

export type Navigate = (to: Route) => void;
