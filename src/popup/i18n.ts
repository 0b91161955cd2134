import browser from 'webextension-polyfill';

/** Every user-facing string goes through here (and _locales/), never hard-coded in components. */
export function t(key: string, ...substitutions: string[]): string {
  const text = browser.i18n.getMessage(key, substitutions);
  return text === '' ? key : text;
}
