import { describe, expect, it } from 'vitest';
import { passphraseStrength } from './strength';

describe('passphrase strength (zxcvbn-ts, English dictionary)', () => {
  it('rejects common and dictionary passwords, accepts a long unusual passphrase', () => {
    for (const weak of ['password', 'Password1!', 'qwertyuiop', 'mastodon2024', 'iloveyou']) {
      const s = passphraseStrength(weak);
      expect(s.acceptable, weak).toBe(false);
      expect(s.score).toBeLessThan(3);
    }
    const strong = passphraseStrength('violet tractor swims under 47 quiet lemons');
    expect(strong.acceptable).toBe(true);
    expect(strong.score).toBeGreaterThanOrEqual(3);
  });
});
