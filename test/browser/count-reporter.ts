import type { Reporter, TestModule } from 'vitest/node';

/** Prints how many browser tests ran (and passed) in each browser, so CI output shows both really ran. */
export default class BrowserCountReporter implements Reporter {
  onTestRunEnd(modules: readonly TestModule[]): void {
    const counts = new Map<string, { passed: number; failed: number; skipped: number }>();
    for (const mod of modules) {
      if (mod.project.name !== 'browser') continue;
      for (const test of mod.children.allTests()) {
        const kind = /\bfirefox\b/i.test(test.fullName)
          ? 'firefox'
          : /\bchromium\b/i.test(test.fullName)
            ? 'chromium'
            : 'no browser';
        const c = counts.get(kind) ?? { passed: 0, failed: 0, skipped: 0 };
        const state = test.result().state;
        if (state === 'passed') c.passed++;
        else if (state === 'failed') c.failed++;
        else c.skipped++;
        counts.set(kind, c);
      }
    }
    if (counts.size === 0) return;
    console.log('\nBrowser tests by browser:');
    for (const [kind, c] of [...counts].sort())
      console.log(`  ${kind}: ${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped`);
  }
}
