// UI text: Chinese (zh-CN) by default, English on request; the choice is remembered in localStorage.
import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import zhCN from '../locales/zh-CN.json';
import en from '../locales/en.json';

// Each domain may keep its own texts in locales/<domain>.<lang>.json (e.g. health.zh-CN.json);
// they are merged into the one translation namespace. Groups shared by every module (auditAction,
// nav, navGroup, …) may be extended from a domain's file; a text defined twice is an error.
type Texts = Record<string, unknown>;
const domainFiles = import.meta.glob<Texts>('../locales/*.*.json', { eager: true, import: 'default' });
const isGroup = (v: unknown): v is Texts => typeof v === 'object' && v !== null && !Array.isArray(v);
function mergeInto(into: Texts, texts: Texts, file: string, at: string): Texts {
  for (const [key, value] of Object.entries(texts)) {
    const here = into[key];
    if (here === undefined) into[key] = isGroup(value) ? mergeInto({}, value, file, `${at}${key}.`) : value;
    else if (isGroup(here) && isGroup(value)) mergeInto(here, value, file, `${at}${key}.`);
    else throw new Error(`${file}: key "${at}${key}" is already defined`);
  }
  return into;
}
function withDomains(base: Texts, lang: string): Texts {
  const merged: Texts = structuredClone(base);
  for (const [file, texts] of Object.entries(domainFiles)) {
    if (file.endsWith(`.${lang}.json`)) mergeInto(merged, texts, file, '');
  }
  return merged;
}

export const LANGUAGES = ['zh-CN', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
const STORAGE_KEY = 'cordon.lang';

function storedLanguage(): Language {
  try {
    const v = localStorage.getItem(STORAGE_KEY);
    if (v && (LANGUAGES as readonly string[]).includes(v)) return v as Language;
  } catch {
    // storage unavailable (private mode): default
  }
  return 'zh-CN';
}

void i18n.use(initReactI18next).init({
  resources: { 'zh-CN': { translation: withDomains(zhCN, 'zh-CN') }, en: { translation: withDomains(en, 'en') } },
  lng: storedLanguage(),
  fallbackLng: 'zh-CN',
  supportedLngs: [...LANGUAGES],
  interpolation: { escapeValue: false },
});

function applyToDocument(lng: string): void {
  document.documentElement.lang = lng;
  document.title = i18n.t('app.name');
}
applyToDocument(i18n.language);
i18n.on('languageChanged', applyToDocument);

export function setLanguage(lang: Language): void {
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // storage unavailable: the switch still applies to this page
  }
  void i18n.changeLanguage(lang);
}

export function currentLanguage(): Language {
  return i18n.language === 'en' ? 'en' : 'zh-CN';
}

export default i18n;
