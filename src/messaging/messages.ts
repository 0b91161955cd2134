/**
 * Every runtime message between the parts of Hush, its payload schema, who may send it
 * and what it answers. The background validates each incoming message against this table
 * before any handler sees it (the background treats every message as hostile input).
 */
import * as v from 'valibot';
import { keysRequests, type KeysResponses } from './keys-messages';
import { overlayRequests, type OverlayResponses } from './overlay-messages';
import { settingsRequests, type SettingsResponses } from './settings-messages';
import { inboxRequests, type InboxResponses } from './inbox-messages';

/** Who sent a message, as established from browser-stamped sender fields (never from the payload). */
export type SenderKind = 'content' | 'frame' | 'extension-page';

const Domain = v.pipe(v.string(), v.minLength(1), v.maxLength(253));
const ShortText = v.pipe(v.string(), v.maxLength(2048));

export const AccountInfoSchema = v.strictObject({
  id: v.pipe(v.string(), v.minLength(1), v.maxLength(64)),
  acct: v.pipe(v.string(), v.minLength(1), v.maxLength(300)),
  url: v.nullable(ShortText),
  uri: v.nullable(ShortText),
});
export type AccountInfo = v.InferOutput<typeof AccountInfoSchema>;

export const UiGenerationSchema = v.picklist(['4.3', '4.5']);
export type UiGeneration = v.InferOutput<typeof UiGenerationSchema>;

export const PageDetectedSchema = v.strictObject({
  domain: Domain,
  version: v.pipe(v.string(), v.minLength(1), v.maxLength(64)),
  generation: UiGenerationSchema,
  account: v.nullable(AccountInfoSchema),
});
export type PageInfo = v.InferOutput<typeof PageDetectedSchema>;

/** One entry of a request table: the payload schema and which sender kinds may send it. */
export type RequestSpec = { readonly payload: v.GenericSchema; readonly from: readonly SenderKind[] };

/** Core requests. Feature areas keep their own tables (keys-messages.ts, overlay-messages.ts), merged below. */
const coreRequests = {
  ping: { payload: v.strictObject({}), from: ['content', 'frame', 'extension-page'] },
  'page/detected': { payload: PageDetectedSchema, from: ['content'] },
  'popup/tab-state': {
    payload: v.strictObject({ tabId: v.pipe(v.number(), v.integer(), v.minValue(0)) }),
    from: ['extension-page'],
  },
  'diagnostics/get': { payload: v.strictObject({}), from: ['extension-page'] },
} as const satisfies Record<string, RequestSpec>;

/** The request table: type -> payload schema and allowed senders. */
export const requestSchemas = {
  ...coreRequests,
  ...keysRequests,
  ...overlayRequests,
  ...settingsRequests,
  ...inboxRequests,
} as const;

export type RequestType = keyof typeof requestSchemas;
export type PayloadOf<K extends RequestType> = v.InferOutput<(typeof requestSchemas)[K]['payload']>;

export interface PingResponse {
  readonly version: string;
  readonly sodium: { readonly ready: boolean; readonly version: string | null; readonly error: string | null };
  /**
   * This background's start (bench/startup.ts): ms from its time origin (worker / background page
   * start) until its script had run, and until it was ready to decrypt (libsodium loaded, storage
   * migrated), null while not yet.
   */
  readonly startup?: { readonly evaluatedMs: number; readonly readyMs: number | null };
}

/** What the background knows about one tab. `origin` comes from the sender, not the page. */
export interface TabState {
  readonly origin: string;
  readonly page: PageInfo;
  readonly detectedAt: number;
}

export interface DiagnosticsEntry {
  readonly at: number;
  readonly level: 'warn' | 'error';
  readonly message: string;
}

export type ResponseMap = CoreResponses & KeysResponses & OverlayResponses & SettingsResponses & InboxResponses;

interface CoreResponses {
  ping: PingResponse;
  'page/detected': { readonly accepted: true };
  'popup/tab-state': { readonly state: TabState | null };
  'diagnostics/get': { readonly entries: readonly DiagnosticsEntry[] };
}

export type Request = { [K in RequestType]: { readonly type: K; readonly payload: PayloadOf<K> } }[RequestType];

/** Envelope check shared by every receiver: a plain object with a string type and an object payload. */
export const RequestEnvelopeSchema = v.strictObject({
  type: v.pipe(v.string(), v.maxLength(64)),
  payload: v.unknown(),
});
