/**
 * 4.3-4.4: the visibility control is a dropdown in the form's footer (mastodon-ui.md §2.2, §2.4); the lock bar
 * sits above the textarea, next to where the user types.
 */
import { baseAdapter, type MastodonAdapter } from './adapter';

export function adapterV43(pageHost: string): MastodonAdapter {
  return baseAdapter('4.3', pageHost);
}
