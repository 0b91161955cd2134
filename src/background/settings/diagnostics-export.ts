import type { DiagnosticsEntry } from '../../messaging/messages';
import type { DiagnosticsReport } from '../../messaging/settings-messages';

/**
 * Diagnostics log lines are written without secrets, but they may still name things a user would
 * not want in a public bug report. The export scrubs anything that looks like a URL, a fediverse
 * handle, an e-mail address or a long encoded blob (key, ciphertext, token).
 */
const SCRUBBERS: readonly [RegExp, string][] = [
  [/\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>)]+/giu, '<url>'],
  [/@?[\p{L}\p{N}_.-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+/gu, '<handle>'],
  [/[A-Za-z0-9+/_=-]{32,}/g, '<data>'],
];

export function scrub(text: string): string {
  let out = text;
  for (const [re, replacement] of SCRUBBERS) out = out.replace(re, replacement);
  return out;
}

/** The report's facts before redaction (the log entries in full), and the time it is made. */
export interface ReportInputs extends Omit<DiagnosticsReport, 'format' | 'createdAt' | 'entries'> {
  readonly entries: readonly DiagnosticsEntry[];
  readonly now: number;
}

export function buildDiagnosticsReport(i: ReportInputs): DiagnosticsReport {
  return {
    format: 'hush-diagnostics/1',
    createdAt: new Date(i.now).toISOString(),
    extensionVersion: i.extensionVersion,
    userAgent: i.userAgent,
    sodium: { ready: i.sodium.ready, version: i.sodium.version },
    grantedInstances: i.grantedInstances,
    securityPhraseSet: i.securityPhraseSet,
    prefs: i.prefs,
    entries: i.entries.map((e) => ({ at: new Date(e.at).toISOString(), level: e.level, message: scrub(e.message) })),
  };
}
