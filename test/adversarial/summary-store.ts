/**
 * Where the adversarial suites leave their numbers for the one summary printed at the end of
 * `npm test` (test/adversarial/summary-reporter.ts). Unit (fuzz) and browser runs are separate
 * vitest processes, so they meet in files. `npm test` clears the folder first, so a number from
 * an earlier run is never counted.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const SUMMARY_DIR = resolve('test-artifacts/adversarial');

export type SummaryEntry =
  | {
      readonly kind: 'attacks';
      readonly label: string;
      readonly tried: number;
      readonly succeeded: number;
      readonly failures: readonly string[];
      /** Per attack, by name (absent in entries written before names were kept). */
      readonly attacks?: readonly { readonly name: string; readonly tried: number; readonly succeeded: number }[];
    }
  | { readonly kind: 'fuzz'; readonly label: string; readonly cases: number; readonly crashes: number };

export function recordSummary(entry: SummaryEntry): void {
  mkdirSync(SUMMARY_DIR, { recursive: true });
  const slug = `${entry.kind}-${entry.label}`.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  writeFileSync(join(SUMMARY_DIR, `${slug}.json`), JSON.stringify(entry));
}

export function readSummaries(): SummaryEntry[] {
  let names: string[];
  try {
    names = readdirSync(SUMMARY_DIR)
      .filter((n) => n.endsWith('.json'))
      .sort();
  } catch {
    return [];
  }
  const out: SummaryEntry[] = [];
  for (const n of names) {
    try {
      out.push(JSON.parse(readFileSync(join(SUMMARY_DIR, n), 'utf8')) as SummaryEntry);
    } catch {
      // A half-written file from an interrupted run: not counted.
    }
  }
  return out;
}
