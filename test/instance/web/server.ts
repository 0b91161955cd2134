// Server facts fetched after boot (state.server): the character limit from /api/v2/instance.
import { apiGet } from './api';
import { parseMaxCharacters } from './model';
import { createStore } from './store';

export const serverStore = createStore<{ maxCharacters: number }>({ maxCharacters: 500 });

export async function fetchServer(): Promise<void> {
  const r = await apiGet('/api/v2/instance', parseMaxCharacters);
  if (r.ok) serverStore.set({ maxCharacters: r.value });
}
