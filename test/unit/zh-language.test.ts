// Every text a Chinese user reads is Chinese: the web app's zh-CN catalogues and the server's zh error
// messages carry no English words (outside a short allow-list of acronyms, units and formula letters; names to type, such as
// --base-url, UTF-8 or a quoted “file”, pass) and
// use full-width punctuation (，；：（）) in Chinese sentences.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ERROR_CATALOGUE } from '../../src/errors.catalogue.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const LOCALES = path.join(ROOT, 'web/src/locales');

/** Latin words a Chinese reader meets as they are: acronyms, file kinds, standards, units, formula letters, keys. */
const ALLOWED = new Set([
  'Cordon',
  'API',
  'CSV',
  'csv',
  'XLSX',
  'xlsx',
  'Excel',
  'PDF',
  'PNG',
  'SMS',
  'ID',
  'HTTP',
  'HMAC',
  'CSRF',
  'QR',
  'Redis',
  'PostgreSQL',
  'SQLite',
  'GB',
  'T',
  'Ct',
  'N',
  'ORF1ab',
  'ORF',
  'ab',
  'Dorfman',
  'log',
  'k',
  'E',
  'p',
  'X',
  'ISO',
  'UTF',
  'pdf',
  'png',
  'YYYY',
  'MM',
  'DD',
  'HH',
  'mm',
  'C',
  'G',
  'K',
  'D',
  'force',
  'h',
  'min',
  's',
  'km',
  'm',
  'KB',
  'MB',
  'UTC',
]);
/** Keys whose zh text is deliberately bilingual (the language switch names itself in both languages). */
const BILINGUAL_KEYS = new Set(['lang.switchTo']);

const HAN = /[\u4e00-\u9fff]/;

/** The text a reader sees: interpolations ({{x}}, {x}), nesting ($t(...)) and markup tags removed. */
function visible(text: string): string {
  return text
    .replace(/\{\{[^}]*\}\}/g, ' ')
    .replace(/\{\w+\}/g, ' ')
    .replace(/\$t\([^)]*\)/g, ' ')
    .replace(/<\/?\w+\s*\/?>/g, ' ')
    .replace(/“[\x20-\x7e]+”/g, ' '); // a quoted Latin name is a name to type (表单字段“file”)
}

/** Problems with one zh text: English words outside the allow-list, half-width punctuation next to Chinese. */
export function zhProblems(text: string): string[] {
  const seen = visible(text);
  const problems: string[] = [];
  for (const token of seen.match(/[A-Za-z0-9_./:+-]*[A-Za-z][A-Za-z0-9_./:+-]*/g) ?? []) {
    // Names a user types as they are (UTF-8, --base-url, CORDON_PUBLIC_URL, fonts-noto-cjk, https://, .xlsx, v2).
    if (/[-_./:0-9]/.test(token)) continue;
    if (!ALLOWED.has(token)) problems.push(`English word "${token}"`);
  }
  if (HAN.test(seen)) {
    const m = /[\u4e00-\u9fff][,;:?!()]|[,;:?!()][\u4e00-\u9fff]|[,;:]\s*$/.exec(seen);
    if (m) problems.push(`half-width punctuation "${m[0]}"`);
  }
  return problems;
}

function strings(value: unknown, at: string, out: Array<[string, string]>): void {
  if (typeof value === 'string') out.push([at, value]);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) strings(v, at ? `${at}.${k}` : k, out);
  }
}

test('the checker itself: English words and half-width punctuation are found, allowed words pass', () => {
  assert.deepEqual(zhProblems('按规则集 recomputed under rule set 重算'), [
    'English word "recomputed"',
    'English word "under"',
    'English word "rule"',
    'English word "set"',
  ]);
  assert.deepEqual(zhProblems('已上传 {{n}} 条,被拒 {{m}} 条'), ['half-width punctuation "条,"']);
  assert.deepEqual(zhProblems('导出 CSV（{{count}} 行），Ct 值 ≥ 35'), []);
  assert.deepEqual(zhProblems('{field} 含有字符 {char}'), []);
});

test('web zh-CN catalogues: Chinese words and full-width punctuation', () => {
  const files = fs.readdirSync(LOCALES).filter((f) => f === 'zh-CN.json' || f.endsWith('.zh-CN.json'));
  assert.ok(files.includes('zh-CN.json'));
  const faults: string[] = [];
  for (const file of files) {
    const texts: Array<[string, string]> = [];
    strings(JSON.parse(fs.readFileSync(path.join(LOCALES, file), 'utf8')), '', texts);
    for (const [key, text] of texts) {
      if (BILINGUAL_KEYS.has(key)) continue;
      for (const p of zhProblems(text)) faults.push(`${file} ${key}: ${p} in ${JSON.stringify(text)}`);
    }
  }
  assert.deepEqual(faults, []);
});

test('server error catalogue (src/errors.catalogue.ts): every zh message is Chinese with full-width punctuation', () => {
  const catalog = ERROR_CATALOGUE;
  assert.ok(catalog.size > 100, `${catalog.size} codes loaded`);
  const faults: string[] = [];
  for (const [code, spec] of catalog) {
    for (const p of zhProblems(spec.zh)) faults.push(`${code}: ${p} in ${JSON.stringify(spec.zh)}`);
    assert.ok(spec.en.trim(), `${code} has an en message`);
  }
  assert.deepEqual(faults, []);
});

/** Pages' source files (web/src/**\/*.tsx). */
function pageSources(dir = path.join(ROOT, 'web/src')): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return pageSources(p);
    return e.name.endsWith('.tsx') ? [p] : [];
  });
}

/** A colon written into JSX after a translated label: half-width after a Chinese label, full-width after an English one. */
export function colonProblems(source: string): string[] {
  const problems: string[] = [];
  source.split('\n').forEach((line, i) => {
    if (/^\s*(\/\/|\*)/.test(line)) return;
    if (/\bt\([^)]*\)\}\s*[:：]/.test(line) || /\bt\([^)]*\)\}:\s/.test(line) || /\$\{t\([^)]*\)\}[:：]/.test(line))
      problems.push(`line ${i + 1}: ${line.trim()}`);
  });
  return problems;
}

test('the checker itself: a colon after a translated label in JSX is found, the locale’s colon passes', () => {
  assert.equal(colonProblems("        {t('health.basis')}: <BasisText />").length, 1);
  assert.equal(colonProblems("        {t('auditLog.detail')}：{text}").length, 1);
  assert.equal(colonProblems("  {e.kind === 'visit' ? `${t('tracing.case.visit')}: ` : ''}").length, 1);
  assert.deepEqual(colonProblems("        <Label text={t('health.basis')} />\n        {withColon(t, t('x'))}"), []);
});

test('web pages: a label’s colon comes from the locale (common.colon: “：” in zh, “: ” in en)', () => {
  const faults: string[] = [];
  for (const file of pageSources()) {
    for (const p of colonProblems(fs.readFileSync(file, 'utf8'))) faults.push(`${path.relative(ROOT, file)} ${p}`);
  }
  assert.deepEqual(faults, []);
});
