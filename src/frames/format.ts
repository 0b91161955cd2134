import browser from 'webextension-polyfill';

/** A signed time (Unix seconds) in the user's language, date and time. */
export function formatTime(seconds: number): string {
  try {
    return new Intl.DateTimeFormat(browser.i18n.getUILanguage(), { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(seconds * 1000));
  } catch {
    return new Date(seconds * 1000).toISOString();
  }
}
