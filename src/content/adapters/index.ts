import type { UiGeneration } from '../../messaging/messages';
import type { MastodonAdapter } from './adapter';
import { adapterV43 } from './v4-3';
import { adapterV45 } from './v4-5';

export function adapterFor(generation: UiGeneration, pageHost: string): MastodonAdapter {
  return generation === '4.3' ? adapterV43(pageHost) : adapterV45(pageHost);
}
