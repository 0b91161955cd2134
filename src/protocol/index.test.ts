import { describe, expect, it } from 'vitest';
import * as hush from './index';

describe('public API', () => {
  it('exposes the documented entry points and no test-only RNG', async () => {
    await hush.init();
    await hush.init(); // idempotent
    for (const name of ['generateIdentity', 'createChain', 'advanceChain', 'pruneChain', 'encodeBundle', 'parseAndVerifyBundle', 'isEpochRollback', 'encodeRevocation', 'parseRevocation', 'encryptMessage', 'decryptMessage', 'parseStatusText', 'inspectChunk', 'safetyNumber', 'compareSafetyPayload', 'fingerprint', 'exportBackup', 'importBackup', 'generateRecoveryCode']) {
      expect(typeof (hush as Record<string, unknown>)[name], name).toBe('function');
    }
    expect('deterministicRng' in hush).toBe(false);
    expect(hush.VERSION).toBe(1);
  });
});
