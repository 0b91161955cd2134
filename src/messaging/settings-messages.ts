/**
 * Runtime messages of user settings owned by the popup area (issue #6): the anti-spoofing
 * security phrase, UI preferences and the diagnostics export. Merged into messages.ts.
 */
import * as v from 'valibot';
import type { RequestSpec } from './messages';

/**
 * Background patterns the user can pick for the security phrase. Every secure editor and view
 * draws the phrase on this pattern; the page cannot read either, so a fake drawn by the page
 * cannot copy them. Renderers map ids to their own CSS; ids are stable storage values.
 */
export const SECURITY_PATTERNS = [
  'waves-teal',
  'dots-amber',
  'stripes-violet',
  'grid-green',
  'checks-rose',
  'diagonal-blue',
] as const;
export type SecurityPattern = (typeof SECURITY_PATTERNS)[number];

export const SECURITY_PHRASE_MAX = 40;

/** Trimmed, 1..40 characters, no control characters (it is shown inline in every secure frame). */
export const SecurityPhraseSchema = v.strictObject({
  text: v.pipe(
    v.string(),
    v.trim(),
    v.minLength(1),
    v.maxLength(SECURITY_PHRASE_MAX),
    // eslint-disable-next-line no-control-regex -- rejecting control characters is the point
    v.regex(/^[^\u0000-\u001f\u007f-\u009f\u2028\u2029]+$/u),
  ),
  pattern: v.picklist(SECURITY_PATTERNS),
});
export type SecurityPhrase = v.InferOutput<typeof SecurityPhraseSchema>;

/** Preferences the UI and overlay read; every field optional in a change. */
export const UiPrefsSchema = v.strictObject({
  /** Whether a new direct message starts in the secure editor. */
  defaultEncryption: v.boolean(),
});
export type UiPrefs = v.InferOutput<typeof UiPrefsSchema>;
export const DEFAULT_PREFS: UiPrefs = { defaultEncryption: true };

export const settingsRequests = {
  // Frames show the phrase inside every secure editor/view; content scripts never see it, so
  // nothing running next to the page's DOM can learn it.
  'settings/security-phrase/get': { payload: v.strictObject({}), from: ['frame', 'extension-page'] },
  'settings/security-phrase/set': { payload: SecurityPhraseSchema, from: ['extension-page'] },
  'settings/prefs/get': { payload: v.strictObject({}), from: ['content', 'frame', 'extension-page'] },
  'settings/prefs/set': { payload: v.partial(UiPrefsSchema), from: ['extension-page'] },
  'settings/diagnostics/export': { payload: v.strictObject({}), from: ['extension-page'] },
} as const satisfies Record<string, RequestSpec>;

/** A diagnostics report meant to be attached to a bug report: no keys, plaintext, handles or URLs. */
export interface DiagnosticsReport {
  readonly format: 'hush-diagnostics/1';
  readonly createdAt: string;
  readonly extensionVersion: string;
  readonly userAgent: string;
  readonly sodium: { readonly ready: boolean; readonly version: string | null };
  /** How many instances Hush is granted on (their names are left out). */
  readonly grantedInstances: number;
  readonly securityPhraseSet: boolean;
  readonly prefs: UiPrefs;
  readonly entries: readonly { readonly at: string; readonly level: 'warn' | 'error'; readonly message: string }[];
}

export interface SettingsResponses {
  'settings/security-phrase/get': { readonly phrase: SecurityPhrase | null };
  'settings/security-phrase/set': { readonly phrase: SecurityPhrase };
  'settings/prefs/get': { readonly prefs: UiPrefs };
  'settings/prefs/set': { readonly prefs: UiPrefs };
  'settings/diagnostics/export': { readonly report: DiagnosticsReport };
}
