/**
 * Replies that cross a boundary are values, never exceptions: every reply is either
 * `{ ok: true, value }` or `{ ok: false, error }` with a code the UI can act on.
 */
export type ErrorCode =
  | 'bad_request' // the message did not match its schema
  | 'unknown_type' // no such message type
  | 'forbidden_sender' // this part of the extension may not send this message
  | 'no_session' // a frame asked to join a session that does not exist for its tab
  | 'unavailable' // the background could not be reached or is not ready
  | 'internal'; // a bug: logged in the background's diagnostics

export interface HushError {
  readonly code: ErrorCode;
  /** English, for logs and diagnostics; UIs map `code` to a localised message. */
  readonly message: string;
}

export type Reply<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: HushError };

export const ok = <T>(value: T): Reply<T> => ({ ok: true, value });
export const fail = (code: ErrorCode, message: string): Reply<never> => ({ ok: false, error: { code, message } });
