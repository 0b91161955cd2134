/**
 * The one way every surface (content script, frames, popup and options) gets a user-facing
 * string: `_locales/<lang>/messages.json` through the browser. A key the locale lacks shows as the
 * key itself (test/i18n.test.ts fails first). Substitutions may be given one by one or as a list.
 */
import browser from 'webextension-polyfill';

export function t(key: string, ...substitutions: (string | readonly string[])[]): string {
  const text = browser.i18n.getMessage(key, substitutions.flat());
  return text === '' ? key : text;
}
