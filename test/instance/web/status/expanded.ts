// Which CW'd statuses the user expanded (Mastodon keeps this in the status record, so it
// survives the item being unrendered by the virtualised list and re-rendered elsewhere).
import { createStore } from '../store';

export const expandedStore = createStore<ReadonlySet<string>>(new Set());

export function toggleExpanded(id: string): void {
  expandedStore.set((cur) => {
    const next = new Set(cur);
    if (!next.delete(id)) next.add(id);
    return next;
  });
}
