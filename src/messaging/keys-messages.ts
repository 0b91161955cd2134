/**
 * Runtime messages of the key life cycle (issue #5): enable, publish, contacts, verification,
 * backup, lock. Owned by the keys area; merged into the request table in messages.ts.
 * Shape: `{ 'keys/xyz': { payload: v.strictObject({...}), from: ['extension-page'] } }`.
 */
import type { RequestSpec } from './messages';

export const keysRequests = {} as const satisfies Record<string, RequestSpec>;

// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by the keys area
export interface KeysResponses {}
