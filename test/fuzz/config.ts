/**
 * Fuzz budget. `npm test` runs a bounded number of cases per property (FUZZ_RUNS unset);
 * `npm run fuzz` sets FUZZ_RUNS high (millions of cases in total across the properties).
 */
export const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 300);

/** Records how many cases ran, for the summary printed by test/fuzz/summary.test.ts. */
export const fuzzStats = { cases: 0, crashes: 0 };

/** Wraps a property body: counts the case and turns an exception into a recorded crash (then rethrows). */
export function counted<A extends unknown[]>(
  body: (...args: A) => boolean | undefined,
): (...args: A) => boolean | undefined {
  return (...args: A) => {
    fuzzStats.cases++;
    try {
      return body(...args);
    } catch (e) {
      fuzzStats.crashes++;
      throw e;
    }
  };
}

/** `counted` for async property bodies (storage and network parsers are async). */
export function countedAsync<A extends unknown[]>(
  body: (...args: A) => Promise<boolean | undefined>,
): (...args: A) => Promise<boolean | undefined> {
  return async (...args: A) => {
    fuzzStats.cases++;
    try {
      return await body(...args);
    } catch (e) {
      fuzzStats.crashes++;
      throw e;
    }
  };
}
