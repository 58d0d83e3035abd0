// The UI's texts as one translation per language: web/src/locales/<lang>.json and the domain files
// locales/<domain>.<lang>.json merged into it. The web app and the server (for documents it writes in
// the reader's language, such as the audit export) merge them the same way. Groups shared by every
// module (auditAction, nav, navGroup, …) may be extended from a domain's file; a text defined twice is an error.
export type Texts = Record<string, unknown>;

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

/** The base file's texts with every domain file of the language (named `….<lang>.json`) merged in. */
export function withDomainTexts(base: Texts, domainFiles: Record<string, Texts>, lang: string): Texts {
  const merged: Texts = structuredClone(base);
  for (const [file, texts] of Object.entries(domainFiles)) {
    if (file.endsWith(`.${lang}.json`)) mergeInto(merged, texts, file, '');
  }
  return merged;
}
