import type { Reporter, TestModule } from 'vitest/node';

/**
 * Prints how many browser tests ran (and passed) in each browser, so CI output shows both really
 * ran, and what a test that passed only on its retry failed with first: vitest prints a retried
 * pass as a pass, and a first-try failure nobody reads is a flake nobody fixes.
 */
export default class BrowserCountReporter implements Reporter {
  onTestRunEnd(modules: readonly TestModule[]): void {
    const counts = new Map<string, { passed: number; failed: number; skipped: number }>();
    const flaky: { name: string; errors: string[] }[] = [];
    for (const mod of modules) {
      if (mod.project.name !== 'browser') continue;
      for (const test of mod.children.allTests()) {
        const kind = /\bfirefox\b/i.test(test.fullName)
          ? 'firefox'
          : /\bchromium\b/i.test(test.fullName)
            ? 'chromium'
            : 'no browser';
        const c = counts.get(kind) ?? { passed: 0, failed: 0, skipped: 0 };
        const result = test.result();
        const state = result.state;
        if (state === 'passed' && result.errors !== undefined && result.errors.length > 0)
          flaky.push({ name: test.fullName, errors: result.errors.map((e) => firstLines(e.stack ?? e.message)) });
        if (state === 'passed') c.passed++;
        else if (state === 'failed') c.failed++;
        else c.skipped++;
        counts.set(kind, c);
      }
    }
    if (flaky.length > 0) {
      console.log(`\nPassed only on a retry (${flaky.length}); the first try failed with:`);
      for (const f of flaky) console.log(`  ${f.name}\n    ${f.errors.join('\n    ')}`);
    }
    if (counts.size === 0) return;
    console.log('\nBrowser tests by browser:');
    for (const [kind, c] of [...counts].sort())
      console.log(`  ${kind}: ${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped`);
  }
}

/** The message and the first stack lines in the project's own tests: enough to find the line. */
function firstLines(stack: string): string {
  const lines = stack.split('\n');
  const own = lines.filter((l) => /^\s+at /.test(l) && l.includes('/test/') && !l.includes('node_modules'));
  return [lines[0] ?? '', ...own.slice(0, 3)].map((l) => l.trim()).join('\n    ');
}
