/**
 * Where the key goes among the user's profile fields (docs/mastodon-ui.md §6.2): update_credentials REPLACES
 * the whole list, so the new list is the old raw list (`source.fields`) with exactly one field
 * added or changed; every other field is written back byte for byte. With all fields taken, the
 * user chooses which one to give up; Hush never drops one on its own.
 */
import { PROFILE_FIELD_NAME } from '../../protocol/index';
import type { RawField } from '../network/mastodon';

export const MAX_FIELDS = 4;
const HUSH_VALUE = /^\s*Hush (?:encryption key|key revoked)\s/;

export type FieldPlan =
  | {
      readonly kind: 'ok';
      readonly fields: readonly RawField[];
      readonly replaced: RawField | null;
      readonly index: number;
    }
  | { readonly kind: 'full'; readonly fields: readonly { readonly index: number; readonly name: string }[] }
  | { readonly kind: 'bad_choice' };

/** Index of the field that already carries Hush (by name, or by a value Hush wrote), or -1. */
export function hushFieldIndex(fields: readonly RawField[]): number {
  const byName = fields.findIndex((f) => f.name === PROFILE_FIELD_NAME && (f.value === '' || HUSH_VALUE.test(f.value)));
  return byName >= 0 ? byName : fields.findIndex((f) => HUSH_VALUE.test(f.value));
}

/**
 * @param replaceIndex the field the user chose to give up when all are taken (null: not chosen).
 */
export function planFields(
  current: readonly RawField[],
  value: string,
  replaceIndex: number | null,
  max = MAX_FIELDS,
): FieldPlan {
  const ours: RawField = { name: PROFILE_FIELD_NAME, value };
  const existing = hushFieldIndex(current);
  if (existing >= 0) {
    return { kind: 'ok', fields: current.map((f, i) => (i === existing ? ours : f)), replaced: null, index: existing };
  }
  if (current.length < max) return { kind: 'ok', fields: [...current, ours], replaced: null, index: current.length };
  if (replaceIndex === null) return { kind: 'full', fields: current.map((f, index) => ({ index, name: f.name })) };
  const gone = current[replaceIndex];
  if (gone === undefined) return { kind: 'bad_choice' };
  return {
    kind: 'ok',
    fields: current.map((f, i) => (i === replaceIndex ? ours : f)),
    replaced: gone,
    index: replaceIndex,
  };
}

/** True when the server kept every field we sent exactly (it silently truncates long values). */
export function fieldsMatch(sent: readonly RawField[], stored: readonly RawField[]): boolean {
  return (
    sent.length === stored.length && sent.every((f, i) => stored[i]?.name === f.name && stored[i]?.value === f.value)
  );
}
