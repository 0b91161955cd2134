/**
 * 4.5-4.8: the visibility button moved to the top of the form and opens a modal (mastodon-ui.md §2.2, §2.4).
 * Same selectors; the lock bar goes under the dropdown row, above the textarea.
 */
import { baseAdapter, type MastodonAdapter } from './adapter';

export function adapterV45(pageHost: string): MastodonAdapter {
  return baseAdapter('4.5', pageHost);
}
