import { useEffect, useState } from 'preact/hooks';
import browser from 'webextension-polyfill';
import { send } from '../../messaging/client';
import type { InboxAccount } from '../../messaging/inbox-messages';
import { t } from '../i18n';

interface SidePanelApi {
  open(o: { windowId: number }): Promise<void>;
}
interface SidebarApi {
  open(): Promise<void>;
}

/** Opens the inbox in Chrome's side panel / Firefox's sidebar (this click is the user gesture both need), else a tab. */
export async function openInbox(): Promise<void> {
  const sidebar = (browser as unknown as { sidebarAction?: SidebarApi }).sidebarAction;
  const sidePanel = (globalThis as { chrome?: { sidePanel?: SidePanelApi } }).chrome?.sidePanel;
  try {
    if (sidebar !== undefined) {
      await sidebar.open();
      window.close();
      return;
    }
    if (sidePanel !== undefined) {
      const win = await browser.windows.getCurrent();
      if (win.id !== undefined) {
        await sidePanel.open({ windowId: win.id });
        window.close();
        return;
      }
    }
  } catch {
    // No panel here: a tab instead.
  }
  await browser.tabs.create({ url: browser.runtime.getURL('/inbox.html') });
  window.close();
}

/** The popup's inbox corner: open it, and revoke each account's inbox access (POST /oauth/revoke). */
export function InboxLinks() {
  const [accounts, setAccounts] = useState<readonly InboxAccount[]>([]);
  const [done, setDone] = useState<string | null>(null);
  const load = () =>
    void send('inbox/state', {}).then((r) => {
      if (r.ok) setAccounts(r.value.accounts.filter((a) => a.connection === 'oauth'));
    });
  useEffect(load, []);
  const revoke = async (a: InboxAccount) => {
    const r = await send('inbox/disconnect', { account: { origin: a.origin, accountId: a.accountId } });
    if (r.ok) setDone(a.acct);
    load();
  };
  return (
    <section class="stack" data-testid="inbox-links">
      <div class="row">
        <button type="button" onClick={() => void openInbox()} data-testid="open-inbox">
          {t('popupInboxOpen')}
        </button>
      </div>
      {accounts.length > 0 && (
        <>
          <h3>{t('popupInboxConnections')}</h3>
          <ul class="instance-list">
            {accounts.map((a) => (
              <li key={`${a.origin}|${a.accountId}`}>
                <span>@{a.acct}</span>
                <button type="button" class="danger" onClick={() => void revoke(a)} data-testid="inbox-revoke">
                  {t('popupInboxRevoke')}
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
      {done !== null && (
        <p class="ok" role="status">
          {t('popupInboxRevoked', done)}
        </p>
      )}
    </section>
  );
}
