/**
 * Backup export/import (protocol §6) for one account. Export needs unlocked keys and returns the
 * encrypted file plus a fresh recovery code (shown once). Import checks everything before writing:
 * a wrong code, a damaged file, a backup of another account, or an existing different key changes
 * nothing. The restored chain gives the same identity and the same future prekeys.
 */
import {
  exportBackup,
  generateRecoveryCode,
  importBackup,
  BACKUP_MEMLIMIT,
  BACKUP_OPSLIMIT,
} from '../../protocol/index';
import type { KeysBackupExport, KeysBackupImport } from '../../messaging/keys-messages';
import type { AccountRef } from '../services';
import { b64, unb64 } from '../../messaging/encoding';
import type { AccountRecord } from '../storage/schema';
import { accountStatus, maintainAccount } from './accounts';
import { chainInfo } from './material';
import type { KeyRuntime } from './services-impl';

export async function exportAccountBackup(rt: KeyRuntime, ref: AccountRef): Promise<KeysBackupExport> {
  const r = await rt.account(ref);
  if (r?.status !== 'active') return { result: 'not_enabled', message: 'Hush is not enabled for this account' };
  const m = await rt.material(r);
  if (!m.ok) return { result: 'locked', message: 'unlock Hush first' };
  const code = generateRecoveryCode();
  const cost = rt.deps.backupCost ?? { opslimit: BACKUP_OPSLIMIT, memlimit: BACKUP_MEMLIMIT };
  const file = exportBackup(m.material, code, cost);
  const user = r.acct.replace(/[^A-Za-z0-9@._-]/g, '_');
  return { result: 'ok', fileName: `hush-backup-${user}.hush`, contents: b64(file), recoveryCode: code };
}

export async function importAccountBackup(
  rt: KeyRuntime,
  ref: AccountRef,
  contents: string,
  code: string,
  replaceExisting: boolean,
  actorUriOfTab: string | null,
  acct: string | null,
): Promise<KeysBackupImport> {
  const file = unb64(contents.trim());
  if (file === undefined) return { result: 'wrong_code_or_corrupt', message: 'this is not a Hush backup file' };
  const got = importBackup(file, code);
  if (!got.ok) {
    const messages = {
      malformed_code: 'the recovery code is not valid: 24 characters in groups of 4',
      wrong_code_or_corrupt: 'wrong recovery code, or the file was damaged',
      malformed: 'this is not a Hush backup file',
      unsupported_version: 'this backup was made by a newer Hush',
      unsupported_params: 'this backup uses unsupported settings',
    } as const;
    const result =
      got.reason === 'malformed_code'
        ? 'malformed_code'
        : got.reason === 'wrong_code_or_corrupt' || got.reason === 'malformed'
          ? 'wrong_code_or_corrupt'
          : 'unsupported';
    return { result, message: messages[got.reason] };
  }
  const { identity, chain } = got.value;
  if (actorUriOfTab === null || acct === null)
    return { result: 'no_account', message: 'open a tab signed in to the account to restore' };
  if (identity.actorUri !== actorUriOfTab)
    return { result: 'wrong_account', message: `this backup belongs to ${identity.actorUri}` };
  const outcome = await rt.store.exclusive(async (): Promise<KeysBackupImport | null> => {
    const existing = await rt.account(ref);
    if (
      existing !== null &&
      existing.identityPk !== b64(identity.publicKey) &&
      existing.status === 'active' &&
      !replaceExisting
    ) {
      return { result: 'exists', message: 'this browser already has a different key for the account' };
    }
    const secrets = await rt.secretsFor(ref, { identity, chain });
    if (secrets === 'locked') return { result: 'locked', message: 'unlock Hush first' };
    const now = await rt.now();
    const record: AccountRecord = {
      v: 2,
      origin: ref.origin,
      accountId: ref.accountId,
      acct,
      actorUri: identity.actorUri,
      identityPk: b64(identity.publicKey),
      createdAt: now,
      status: 'active',
      revokedAt: null,
      secrets,
      chainInfo: chainInfo(chain),
      // The other device published this chain; we only publish when our rotation moves past it.
      published: { epoch: chain.epoch, at: now, kind: 'bundle' },
      publish: { wantEpoch: null, attempts: 0, lastError: null, lastAttemptAt: null },
    };
    await rt.store.putAccount(record);
    return null;
  });
  if (outcome !== null) return outcome;
  await maintainAccount(rt, ref);
  return { result: 'imported', status: await accountStatus(rt, ref) };
}
