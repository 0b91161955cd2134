import { useState } from 'preact/hooks';
import { Failure, Section } from '../components/common';
import { b64, unb64 } from '../../messaging/encoding';
import { downloadBytes } from '../download';
import { t } from '../i18n';
import { keysApi, type AccountRef, type Failed } from '../keys-api';

/** Export a backup (file + recovery code shown once) and restore one. */
export function Backup({ account, onRestored }: { account: AccountRef; onRestored: () => void }) {
  const [code, setCode] = useState<string | null>(null);
  const [failed, setFailed] = useState<Failed | null>(null);
  const [restoreCode, setRestoreCode] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [restored, setRestored] = useState(false);
  const [replace, setReplace] = useState(false);

  const exportNow = async () => {
    const r = await keysApi.exportBackup(account);
    if (!r.ok) return setFailed(r);
    setFailed(null);
    const bytes = unb64(r.value.contents) ?? null;
    if (bytes === null) return setFailed({ ok: false, reason: 'corrupt' });
    downloadBytes(r.value.fileName, bytes);
    setCode(r.value.recoveryCode);
  };

  const restore = async (e: Event) => {
    e.preventDefault();
    if (!file) return;
    // The file is binary; the background takes it as base64url (runtime messages are JSON).
    const contents = b64(new Uint8Array(await file.arrayBuffer()));
    const r = await keysApi.importBackup(account, contents, restoreCode.trim(), replace);
    if (!r.ok) return setFailed(r);
    setRestoreCode('');
    setFailed(null);
    setRestored(true);
    onRestored();
  };

  return (
    <Section title={t('backupTitle')} testid="backup">
      <p>{t('backupExplain')}</p>
      <button type="button" data-testid="export-backup" onClick={() => void exportNow()}>
        {t('backupExport')}
      </button>
      {code !== null && (
        <div class="recovery" role="status" data-testid="recovery-code">
          <p>
            <strong>{t('backupCodeOnce')}</strong>
          </p>
          <code class="recovery-code">{code}</code>
          <button type="button" onClick={() => setCode(null)}>
            {t('backupCodeWritten')}
          </button>
        </div>
      )}
      <form class="stack" onSubmit={(e) => void restore(e)} data-testid="restore-form">
        <h3>{t('restoreTitle')}</h3>
        <label for="restore-file">{t('restoreFile')}</label>
        <input
          id="restore-file"
          type="file"
          accept=".hush,application/octet-stream"
          onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)}
        />
        <label for="restore-code">{t('restoreCode')}</label>
        <input
          id="restore-code"
          type="text"
          autocomplete="off"
          spellcheck={false}
          value={restoreCode}
          onInput={(e) => setRestoreCode(e.currentTarget.value)}
        />
        {failed?.reason === 'exists' && (
          <label class="check-row">
            <input
              type="checkbox"
              checked={replace}
              onChange={(e) => setReplace(e.currentTarget.checked)}
              data-testid="replace-existing"
            />
            {t('restoreReplace')}
          </label>
        )}
        <button type="submit" data-testid="restore" disabled={!file || restoreCode.trim() === ''}>
          {t('restoreAction')}
        </button>
      </form>
      {restored && (
        <p class="ok" role="status">
          {t('restoreDone')}
        </p>
      )}
      {failed && <Failure reply={failed} />}
    </Section>
  );
}
