// The web app's texts: every locale file merges into one catalogue per language as web/src/shared/i18n.ts
// does (a domain's file may extend a shared group such as auditAction), so a text defined in two files
// would stop the app at start. Each text is defined once, and zh-CN and en define the same texts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

const LOCALES = path.resolve(import.meta.dirname, '../../web/src/locales');

function textsOf(lang: string): { keys: Map<string, string>; twice: string[] } {
  const keys = new Map<string, string>();
  const twice: string[] = [];
  const walk = (o: Record<string, unknown>, at: string, file: string) => {
    for (const [k, v] of Object.entries(o)) {
      const key = `${at}${k}`;
      if (typeof v === 'object' && v !== null && !Array.isArray(v)) walk(v as Record<string, unknown>, `${key}.`, file);
      else if (keys.has(key)) twice.push(`${key}: ${keys.get(key)} and ${file}`);
      else keys.set(key, file);
    }
  };
  const files = fs.readdirSync(LOCALES).filter((f) => f === `${lang}.json` || f.endsWith(`.${lang}.json`));
  for (const f of files.sort()) walk(JSON.parse(fs.readFileSync(path.join(LOCALES, f), 'utf8')), '', f);
  return { keys, twice };
}

test('each text is defined once per language, across the locale files', () => {
  for (const lang of ['zh-CN', 'en']) assert.deepEqual(textsOf(lang).twice, [], lang);
});

/** A text's key without i18next's plural suffix (English has “_one” and “_other” where Chinese has one form). */
const base = (keys: Map<string, string>) =>
  new Set([...keys.keys()].map((k) => k.replace(/_(zero|one|two|few|many|other)$/, '')));

test('zh-CN and en define the same texts (plural forms aside)', () => {
  const zh = base(textsOf('zh-CN').keys);
  const en = base(textsOf('en').keys);
  assert.deepEqual(
    [...zh.keys()].filter((k) => !en.has(k)),
    [],
    'in zh-CN only',
  );
  assert.deepEqual(
    [...en.keys()].filter((k) => !zh.has(k)),
    [],
    'in en only',
  );
});
