import { useState } from 'preact/hooks';
import type { Reply } from '../../messaging/result';
import { Failure, Section } from '../components/common';
import { downloadText } from '../download';
import { t } from '../i18n';
import { keysApi, type AccountRef } from '../keys-api';

/** Export a backup (file + recovery code shown once) and restore one. */
export function Backup({ account }: { account: AccountRef }) {
  const [code, setCode] = useState<string | null>(null);
  const [failed, setFailed] = useState<Reply<unknown> & { ok: false } | null>(null);
  const [restoreCode, setRestoreCode] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [restored, setRestored] = useState(false);

  const exportNow = async () => {
    const r = await keysApi.exportBackup(account);
    if (!r.ok) return setFailed(r);
    setFailed(null);
    downloadText(r.value.fileName, r.value.contents);
    setCode(r.value.recoveryCode);
  };

  const restore = async (e: Event) => {
    e.preventDefault();
    if (!file) return;
    const r = await keysApi.importBackup(account, await file.text(), restoreCode.trim());
    setRestoreCode('');
    if (!r.ok) return setFailed(r);
    setFailed(null);
    setRestored(true);
  };

  return (
    <Section title={t('backupTitle')} testid="backup">
      <p>{t('backupExplain')}</p>
      <button type="button" data-testid="export-backup" onClick={() => void exportNow()}>{t('backupExport')}</button>
      {code !== null && (
        <div class="recovery" role="status" data-testid="recovery-code">
          <p><strong>{t('backupCodeOnce')}</strong></p>
          <code class="recovery-code">{code}</code>
          <button type="button" onClick={() => setCode(null)}>{t('backupCodeWritten')}</button>
        </div>
      )}
      <form class="stack" onSubmit={(e) => void restore(e)} data-testid="restore-form">
        <h3>{t('restoreTitle')}</h3>
        <label for="restore-file">{t('restoreFile')}</label>
        <input id="restore-file" type="file" accept=".json,application/json" onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)} />
        <label for="restore-code">{t('restoreCode')}</label>
        <input id="restore-code" type="text" autocomplete="off" spellcheck={false} value={restoreCode} onInput={(e) => setRestoreCode(e.currentTarget.value)} />
        <button type="submit" disabled={!file || restoreCode.trim() === ''}>{t('restoreAction')}</button>
      </form>
      {restored && <p class="ok" role="status">{t('restoreDone')}</p>}
      {failed && <Failure reply={failed} />}
    </Section>
  );
}
