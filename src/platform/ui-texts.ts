// The web app's texts (web/src/locales), read by the server for the documents it writes in the reader's
// language — the audit export's actions, roles and reasons — so a file says what the page says.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import i18next from 'i18next';
import { withDomainTexts, type Texts } from '../../common/texts.ts';
import type { Translate } from '../../common/labels.ts';
import type { Lang } from './errors.ts';

const LOCALES_DIR = fileURLToPath(new URL('../../web/src/locales/', import.meta.url));
const LANGUAGE: Record<Lang, string> = { zh: 'zh-CN', en: 'en' };

function readTexts(file: string): Texts {
  return JSON.parse(readFileSync(join(LOCALES_DIR, file), 'utf8')) as Texts;
}

let translators: Map<Lang, Translate> | null = null;

function load(): Map<Lang, Translate> {
  const files = readdirSync(LOCALES_DIR).filter((f) => f.endsWith('.json'));
  const domainFiles = Object.fromEntries(files.filter((f) => f.split('.').length === 3).map((f) => [f, readTexts(f)]));
  const out = new Map<Lang, Translate>();
  for (const [lang, code] of Object.entries(LANGUAGE) as Array<[Lang, string]>) {
    const instance = i18next.createInstance();
    void instance.init({
      resources: { [code]: { translation: withDomainTexts(readTexts(`${code}.json`), domainFiles, code) } },
      lng: code,
      initAsync: false,
      interpolation: { escapeValue: false },
    });
    out.set(lang, (key, options) => String(instance.t(key, options as Record<string, unknown>)));
  }
  return out;
}

/** The translate function of a language over the web app's texts (read once, on first use). */
export function uiTexts(lang: Lang): Translate {
  translators ??= load();
  return translators.get(lang)!;
}
