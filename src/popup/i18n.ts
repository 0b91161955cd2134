import { t } from '../messaging/i18n';
import browser from 'webextension-polyfill';
import type { ErrorCode, HushError } from '../messaging/result';

/** Every user-facing string goes through the one helper (messaging/i18n.ts), never hard-coded in components. */
export { t };

/** Sets <html lang/dir> to the browser's UI language, so screen readers pronounce it right. */
export function applyDocumentLocale(doc: Document = document): void {
  doc.documentElement.lang = browser.i18n.getUILanguage();
  doc.documentElement.dir = t('@@bidi_dir') === 'rtl' ? 'rtl' : 'ltr';
}

const ERROR_KEYS: Record<ErrorCode, string> = {
  bad_request: 'errBadRequest',
  unknown_type: 'errUnknownType',
  forbidden_sender: 'errForbidden',
  no_session: 'errForbidden',
  unavailable: 'errUnavailable',
  internal: 'errInternal',
};

/** A localised sentence for a typed error; the English detail stays in diagnostics. */
export function errorText(error: HushError): string {
  return t(ERROR_KEYS[error.code] ?? 'errInternal');
}

const REASONS = new Set([
  'no_tab',
  'account_mismatch',
  'network',
  'locked',
  'bad_choice',
  'publish_failed',
  'not_found',
  'not_enabled',
  'malformed_code',
  'wrong_code_or_corrupt',
  'unsupported',
  'wrong_account',
  'exists',
  'no_account',
  'mismatch',
  'weak',
  'wrong_passphrase',
  'corrupt',
  'no_passphrase',
]);

/** A localised sentence for a refusal the background decided on (wrong passphrase, locked, …). */
export function reasonText(reason: string): string {
  return t(REASONS.has(reason) ? `reason_${reason}` : 'reason_other');
}

/** Dates and numbers in the browser's language. */
export function formatDate(ms: number): string {
  return new Date(ms).toLocaleString(browser.i18n.getUILanguage(), { dateStyle: 'medium', timeStyle: 'short' });
}
