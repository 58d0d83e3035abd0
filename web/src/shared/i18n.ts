// UI text: Chinese (zh-CN) by default, English on request; the choice is remembered in localStorage.
import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import zhCN from '../locales/zh-CN.json';
import en from '../locales/en.json';
import { withDomainTexts, type Texts } from '../../../common/texts.ts';

// Each domain may keep its own texts in locales/<domain>.<lang>.json (e.g. health.zh-CN.json), merged
// into the one translation namespace (common/texts.ts).
const domainFiles = import.meta.glob<Texts>('../locales/*.*.json', { eager: true, import: 'default' });
const withDomains = (base: Texts, lang: string): Texts => withDomainTexts(base, domainFiles, lang);

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
