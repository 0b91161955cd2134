// Boot-time facts shared by all components (set once in main.tsx before the first render).
import { generationFor, type Generation } from './generations';
import type { InitialState } from './initialState';

let gen: Generation = generationFor('4.8.0');
let init: InitialState | null = null;

export function setBootState(state: InitialState): void {
  init = state;
  gen = generationFor(state.version);
}

export function generation(): Generation {
  return gen;
}

export function bootState(): InitialState {
  if (!init) throw new Error('app used before boot'); // programming error, not outside data
  return init;
}
