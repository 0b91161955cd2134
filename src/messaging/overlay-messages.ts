/**
 * Runtime messages of the overlay (issue #8): compose, secure editor, secure view. Owned by the
 * overlay area; merged into the request table in messages.ts.
 */
import type { RequestSpec } from './messages';

export const overlayRequests = {} as const satisfies Record<string, RequestSpec>;

// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by the overlay area
export interface OverlayResponses {}
