import { defineConfig } from 'vitest/config';

// `npm run fuzz`: the fuzz properties with a large budget (FUZZ_RUNS), no other tests.
export default defineConfig({
  test: { include: ['test/fuzz/**/*.test.ts'], environment: 'node', testTimeout: 3_600_000, execArgv: ['--expose-gc'] },
});
