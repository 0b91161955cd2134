/**
 * Ways into the inbox: the toolbar button's context menu, the `open-inbox` keyboard command, and
 * (from the popup) a button. Chrome shows `inbox.html` in its side panel (`sidePanel.open`, which
 * needs the user's gesture: a menu click or a command is one), Firefox in its sidebar
 * (`sidebarAction.open`); where neither exists or both refuse, the inbox opens as a tab.
 */
import browser from 'webextension-polyfill';
import { t } from '../../messaging/i18n';

export const INBOX_MENU_ID = 'hush-open-inbox';
export const INBOX_COMMAND = 'open-inbox';

interface SidePanelApi {
  open(o: { windowId: number }): Promise<void>;
}
interface SidebarApi {
  open(): Promise<void>;
}

/** Opens the inbox where the browser can show it; a tab when it cannot. */
export async function openInbox(windowId: number | undefined): Promise<'panel' | 'sidebar' | 'tab'> {
  const g = globalThis as { chrome?: { sidePanel?: SidePanelApi } };
  const sidePanel = g.chrome?.sidePanel;
  const sidebar = (browser as unknown as { sidebarAction?: SidebarApi }).sidebarAction;
  try {
    if (sidebar !== undefined) {
      await sidebar.open();
      return 'sidebar';
    }
    if (sidePanel !== undefined && windowId !== undefined) {
      await sidePanel.open({ windowId });
      return 'panel';
    }
  } catch {
    // No gesture, or no panel in this window: a tab instead.
  }
  await browser.tabs.create({ url: browser.runtime.getURL('/inbox.html') });
  return 'tab';
}

function createMenu(): void {
  const menus = browser.contextMenus as typeof browser.contextMenus | undefined;
  if (menus === undefined) return;
  void menus
    .removeAll()
    .then(() => {
      menus.create({ id: INBOX_MENU_ID, title: t('inboxOpen'), contexts: ['action'] });
    })
    .catch(() => undefined);
}

type Opened = Promise<'panel' | 'sidebar' | 'tab'> | null;

/** The toolbar menu's click: the inbox in the window of the click. */
function onMenuClicked(info: { menuItemId: string | number }, tab: { windowId?: number } | undefined): Opened {
  return info.menuItemId === INBOX_MENU_ID ? openInbox(tab?.windowId) : null;
}

/** The `open-inbox` keyboard command. */
function onCommand(command: string, tab: { windowId?: number } | undefined): Opened {
  return command === INBOX_COMMAND ? openInbox(tab?.windowId) : null;
}

export function installInboxEntryPoints(): void {
  browser.runtime.onInstalled.addListener(createMenu);
  browser.runtime.onStartup.addListener(createMenu);
  (browser.contextMenus as typeof browser.contextMenus | undefined)?.onClicked.addListener(
    (info, tab) => void onMenuClicked(info, tab),
  );
  (browser.commands as typeof browser.commands | undefined)?.onCommand.addListener(
    (command, tab) => void onCommand(command, tab),
  );
  // Test builds: browser tests invoke the two listeners as the browser would (they cannot click
  // the toolbar menu or press a browser shortcut).
  if (typeof __HUSH_TEST_BUILD__ !== 'undefined' && __HUSH_TEST_BUILD__) {
    (globalThis as { __hushTestInboxEntry?: unknown }).__hushTestInboxEntry = {
      menu: onMenuClicked,
      command: onCommand,
    };
  }
}
