/** What the overlay's handlers share: services, the reader, the session store and the outside world. */
import type { StatusApi } from '../publishing/status-api';
import type { SenderContext } from '../senders';
import type { AccountRef, KeyServices } from '../services';
import type { SessionArea, SessionStore } from '../sessions';
import type { Reader } from './reading';

/** A push to a tab's content script, without its type tag (added by the sender). */
export type PushBody =
  | { readonly kind: 'editor-done'; readonly session: string; readonly sent: boolean }
  | { readonly kind: 'editor-invite'; readonly session: string; readonly text: string }
  | { readonly kind: 'view-activate'; readonly session: string };

export interface LastStatus {
  readonly statusId: string;
  readonly authorAcct: string;
  readonly mentions: readonly string[];
  /** Its `created_at` to the millisecond (the API's precision), null when the API gave none that parses. */
  readonly createdAtMs: number | null;
  /** The text hash of the Hush text the status carries ('' when none: reading.ts hushHashOf), hashed once. */
  readonly hushHash: string;
}

export interface OverlayContext {
  readonly services: KeyServices;
  readonly reader: Reader;
  /** The one store of editor and view sessions (records, offers, who may create and join). */
  readonly sessions: SessionStore;
  readonly sessionArea: () => SessionArea;
  readonly accountOf: (sender: SenderContext) => Promise<AccountRef | null>;
  /** The signed-in account's full handle in the sender's tab. */
  readonly selfOf: (sender: SenderContext) => Promise<string | null>;
  readonly push: (tabId: number, body: PushBody) => Promise<void>;
  readonly phrase: () => Promise<{ readonly text: string; readonly pattern: string } | null>;
  readonly encryptByDefault: () => Promise<boolean>;
  /** Tells the frames of these view sessions to ask again (storage.session `hush:stale`). */
  readonly markStale: (sessions: readonly string[]) => Promise<void>;
  /**
   * The status a DM-column entry shows: the conversation's last status, only when it carries the
   * text the entry shows. `shownAt`: the date the entry shows (Unix seconds); a cached answer of
   * another date, or with another text, is stale (compared to the millisecond when the page's date has
   * milliseconds, `shownAtMs`: a replay posted within the same second as its original differs only there) (a new last status arrived) and is asked again.
   */
  readonly conversations: {
    lastStatus(
      account: AccountRef,
      conversationId: string,
      text: string,
      shownAt: number | null,
      shownAtMs?: number | null,
    ): Promise<LastStatus | null>;
  };
  readonly statusApi: StatusApi;
  /** The user's token, asked fresh from a tab of the account (never stored). */
  readonly token: (account: AccountRef) => Promise<string | null>;
  readonly now: () => Promise<number>;
}
