// Names and free text as they come in, in one place: every name, label and note the API or a roster
// file accepts goes through cleanName or cleanNote (API bodies through the `x-text` schema keyword that
// NameText/NoteText set, see http.ts; roster rows through validatePerson and the row reader).
// - Both are normalised to NFC, so "é" typed two ways is one string (and one lookup).
// - A name (person, household, building, venue, area, carrier, …) refuses control characters (C0, DEL,
//   C1, NUL included), line and paragraph separators and the bidirectional controls (LRM/RLM, ALM, the
//   embeddings and overrides U+202A–U+202E, the isolates U+2066–U+2069): U+202E turns "健康码" around
//   on a page that shows it. The answer names the field and the character.
// - A note (free text) keeps tabs and line breaks and silently loses the rest of those characters.
// - exportCell strips what no exported file may carry (NUL and the other controls) from a cell.
import type { Ajv } from 'ajv';
import { AppError, defineErrors } from './errors.ts';

export const TextErrors = defineErrors({
  TEXT_FORBIDDEN_CHARACTER: {
    status: 400,
    zh: '{field} 含有不允许的字符 {char}（名称中不能有控制字符或双向文字控制符）',
    en: '{field} contains a character that is not allowed ({char}): names may not hold control or bidirectional-override characters',
  },
});

/* eslint-disable no-control-regex -- matching control characters is the point of these patterns */
/** Refused in names: C0 (NUL, tab, line breaks too), DEL, C1, LRM/RLM, ALM, LS/PS, embeddings, overrides, isolates. */
const NAME_FORBIDDEN = /[\u0000-\u001F\u007F-\u009F\u061C\u200E\u200F\u2028\u2029\u202A-\u202E\u2066-\u2069]/u;
/** Stripped from notes: the same, except tab, line feed and carriage return. */
const NOTE_FORBIDDEN =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u061C\u200E\u200F\u2028\u2029\u202A-\u202E\u2066-\u2069]/gu;
/** Stripped from every exported cell: controls a spreadsheet or an XML sheet cannot hold (tab and line breaks stay). */
const EXPORT_FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;
/* eslint-enable no-control-regex */

export type NameCheck = { ok: true; value: string } | { ok: false; code: 'TEXT_FORBIDDEN_CHARACTER'; char: string };

/** "U+202E" for a character. */
export function codePointLabel(ch: string): string {
  return `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** A name, label or other one-line text: NFC, or refused with the first forbidden character. */
export function cleanName(raw: string): NameCheck {
  const value = raw.normalize('NFC');
  const bad = NAME_FORBIDDEN.exec(value);
  if (bad) return { ok: false, code: 'TEXT_FORBIDDEN_CHARACTER', char: codePointLabel(bad[0]) };
  return { ok: true, value };
}

/** A name from a door other than a JSON body (a CLI option): the clean name, or TEXT_FORBIDDEN_CHARACTER naming `field`. */
export function nameOrThrow(raw: string, field: string): string {
  const check = cleanName(raw);
  if (!check.ok)
    throw new AppError(
      check.code,
      { field, char: check.char },
      { faults: [{ field, code: check.code, params: { field, char: check.char } }] },
    );
  return check.value;
}

/** Free text (a note, a reason): NFC, with control and bidirectional characters removed. */
export function cleanNote(raw: string): string {
  return raw.normalize('NFC').replace(NOTE_FORBIDDEN, '');
}

/** A cell of an exported CSV or XLSX file: never a NUL or another control character. */
export function exportCell(value: string): string {
  return value.replace(EXPORT_FORBIDDEN, '');
}

export type TextKind = 'name' | 'note';

/**
 * The `x-text` schema keyword ("name" or "note") for the API's validator: cleans the string in place,
 * or fails with the character found. The error handler turns that failure into TEXT_FORBIDDEN_CHARACTER.
 */
export function textKeyword(ajv: Ajv): Ajv {
  return ajv.addKeyword({
    keyword: 'x-text',
    type: 'string',
    modifying: true,
    errors: true,
    schemaType: 'string',
    validate: function validateText(
      kind: TextKind,
      data: string,
      _schema?: unknown,
      cxt?: { parentData: unknown; parentDataProperty: string | number },
    ) {
      let value: string;
      if (kind === 'name') {
        const check = cleanName(data);
        if (!check.ok) {
          (validateText as { errors?: unknown[] }).errors = [
            { keyword: 'x-text', message: `contains ${check.char}`, params: { char: check.char } },
          ];
          return false;
        }
        value = check.value;
      } else {
        value = cleanNote(data);
      }
      if (value !== data && cxt?.parentData)
        (cxt.parentData as Record<string | number, unknown>)[cxt.parentDataProperty] = value;
      return true;
    },
  });
}
