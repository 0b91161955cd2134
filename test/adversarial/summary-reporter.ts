import type { Reporter, TestModule } from 'vitest/node';
import { readSummaries } from './summary-store';

/**
 * Issue #7's summary, printed once at the end of the browser run (the last step of `npm test`):
 * attack attempts tried and succeeded per suite and browser, fuzz cases and crashes per parser
 * suite (from the unit run before it), and the adversarial tests that did not pass. It says FAIL
 * if any attempt succeeded, any fuzz case crashed, or any adversarial test failed or was skipped:
 * a skipped suite must not read as "0 succeeded".
 */
/** Attack names in the malicious-server suite start with the invariant they reproduce. */
export const ISSUE_21_INVARIANTS = ['#21.1', '#21.2', '#21.3', '#21.4', '#21.5', '#21.6'] as const;

export default class AdversarialSummaryReporter implements Reporter {
  onTestRunEnd(modules: readonly TestModule[]): void {
    const adversarial = modules.filter((m) => m.moduleId.includes('/test/adversarial/'));
    if (adversarial.length === 0) return;
    const notPassed: string[] = [];
    let passed = 0;
    for (const m of adversarial) {
      for (const t of m.children.allTests()) {
        const state = t.result().state;
        if (state === 'passed') passed++;
        else notPassed.push(`${state}: ${t.fullName}`);
      }
    }
    const entries = readSummaries();
    const attacks = entries.filter((e) => e.kind === 'attacks');
    const fuzz = entries.filter((e) => e.kind === 'fuzz');
    const tried = attacks.reduce((n, e) => n + e.tried, 0);
    const succeeded = attacks.reduce((n, e) => n + e.succeeded, 0);
    const cases = fuzz.reduce((n, e) => n + e.cases, 0);
    const crashes = fuzz.reduce((n, e) => n + e.crashes, 0);
    const ok0 = succeeded === 0 && crashes === 0 && notPassed.length === 0 && attacks.length > 0;
    const lines = ['', '== Adversarial summary (issue #7) =='];
    for (const e of attacks) {
      lines.push(
        `  ${e.label}: ${e.tried} attempts tried, ${e.succeeded} succeeded${e.failures.length ? ` (${e.failures.join('; ')})` : ''}`,
      );
      // By name, so an attack that was not tried in one browser shows as missing there.
      for (const a of e.attacks ?? []) lines.push(`    ${a.name}: ${a.tried} tried, ${a.succeeded} succeeded`);
    }
    // Issue #21's invariants must each be counted in every browser the suite ran in.
    const browsersRun = attacks.filter((e) => e.label.startsWith('malicious server')).map((e) => e.label);
    const missing: string[] = [];
    for (const label of browsersRun) {
      const names = new Set((attacks.find((e) => e.label === label)?.attacks ?? []).map((a) => a.name.split(' ')[0]));
      for (const inv of ISSUE_21_INVARIANTS) if (!names.has(inv)) missing.push(`${label}: ${inv}`);
    }
    if (missing.length > 0) lines.push(`  issue #21 invariants not counted: ${missing.join(', ')}`);
    for (const e of fuzz) lines.push(`  fuzz ${e.label}: ${e.cases} cases, ${e.crashes} crashes`);
    if (fuzz.length === 0)
      lines.push('  fuzz: not run in this invocation (it runs in the unit step of `npm test`, and in `npm run fuzz`)');
    lines.push(
      `  adversarial browser tests: ${passed} passed, ${notPassed.length} not passed${notPassed.length ? `: ${notPassed.join(' | ')}` : ''}`,
    );
    const ok = ok0 && missing.length === 0;
    lines.push(
      `  TOTAL: ${tried} attempts tried, ${succeeded} succeeded; ${cases} fuzz cases, ${crashes} crashes -> ${ok ? 'OK' : 'FAIL'}`,
    );
    console.log(lines.join('\n'));
  }
}
