/**
 * Passphrase strength with zxcvbn-ts (maintained TypeScript port of Dropbox's zxcvbn) and its
 * English + common dictionaries. The dictionaries are ~1.5 MB, so they live only where a
 * passphrase is typed: this module is its own file (`strength.js`, entry `strength-entry.ts`),
 * loaded by the popup/options page on demand (`strength-loader.ts`), never by the background
 * (whose every worker start would parse them). The estimator is built on first use.
 * A passphrase must score at least 3 ("safely unguessable") to be accepted: it guards every key.
 */
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as en from '@zxcvbn-ts/language-en';
import type { KeysStrength } from '../messaging/keys-messages';

export const MIN_SCORE = 3;
let factory: ZxcvbnFactory | null = null;

export function passphraseStrength(passphrase: string, userInputs: readonly string[] = []): KeysStrength {
  factory ??= new ZxcvbnFactory({
    dictionary: { ...common.dictionary, ...en.dictionary },
    graphs: common.adjacencyGraphs,
    translations: en.translations,
  });
  // zxcvbn's cost grows with length; anything this long is strong if it is not one repeated char.
  const r = factory.check(passphrase.slice(0, 256), [...userInputs, 'hush', 'mastodon']);
  return {
    score: r.score,
    acceptable: r.score >= MIN_SCORE,
    warning: r.feedback.warning ?? '',
    suggestions: r.feedback.suggestions,
  };
}
