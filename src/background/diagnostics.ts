import type { DiagnosticsEntry } from '../messaging/messages';

const MAX_ENTRIES = 200;
const entries: DiagnosticsEntry[] = [];

/**
 * Records a problem where the user (and the diagnostics export) can see it, not only in the
 * console. Messages must never contain secrets or plaintext: callers pass codes and shapes.
 */
export function record(level: DiagnosticsEntry['level'], message: string, now = Date.now()): void {
  entries.push({ at: now, level, message: message.slice(0, 500) });
  if (entries.length > MAX_ENTRIES) entries.splice(0, entries.length - MAX_ENTRIES);
  (level === 'error' ? console.error : console.warn)(`[hush] ${message}`);
}

export function recent(): readonly DiagnosticsEntry[] {
  return entries.slice();
}
