import browser from 'webextension-polyfill';
import type { PingResponse, TabState } from '../messaging/messages';
import type { SecurityPhrase } from '../messaging/settings-messages';
import { send } from '../messaging/client';
import type { AccountRef } from './keys-api';
import { currentTab, permissionPattern, type ActiveTab } from './tab';

/** Everything the popup learns once when it opens: the tab, what Hush knows about it, the phrase. */
export interface Context {
  readonly ping: PingResponse | null;
  readonly pingError: string | null;
  readonly tab: ActiveTab | null;
  readonly state: TabState | null;
  readonly granted: boolean;
  /** The signed-in account of the tab, the subject of key actions. */
  readonly account: AccountRef | null;
  readonly phrase: SecurityPhrase | null;
}

export async function loadContext(): Promise<Context> {
  const [ping, tab, phraseReply] = await Promise.all([
    send('ping', {}),
    currentTab(),
    send('settings/security-phrase/get', {}),
  ]);
  const stateReply = tab ? await send('popup/tab-state', { tabId: tab.id }) : null;
  const granted = tab?.origin
    ? await browser.permissions.contains({ origins: [permissionPattern(tab.origin)] })
    : false;
  const state = stateReply?.ok ? stateReply.value.state : null;
  const acc = state?.page.account ?? null;
  return {
    ping: ping.ok ? ping.value : null,
    pingError: ping.ok ? null : ping.error.message,
    tab,
    state,
    granted,
    account: state && acc ? { origin: state.origin, accountId: acc.id } : null,
    phrase: phraseReply.ok ? phraseReply.value.phrase : null,
  };
}
