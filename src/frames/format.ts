import browser from 'webextension-polyfill';

let formatter: { readonly lang: string; readonly format: Intl.DateTimeFormat } | null = null;

/** A signed time (Unix seconds) in the user's language, date and time. */
export function formatTime(seconds: number): string {
  try {
    // One formatter per language: building one costs far more than formatting (the inbox formats hundreds).
    const lang = browser.i18n.getUILanguage();
    if (formatter?.lang !== lang)
      formatter = { lang, format: new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' }) };
    return formatter.format.format(new Date(seconds * 1000));
  } catch {
    return new Date(seconds * 1000).toISOString();
  }
}
