// The printable A4 venue poster (场所码海报), as PDF and PNG: the venue's name, category and area, the QR
// of its signed poster URL, the instructions in Chinese, and the code version and print date.
// One layout in points (A4 = 595.28 × 841.89) is drawn twice: by pdfkit into a PDF (text stays text,
// the CJK font is subset and embedded) and as SVG, its text as outlines of the same glyphs, rasterised
// to PNG by resvg.
// Chinese needs a CJK font: CORDON_CJK_FONT, else the Noto Sans CJK faces of Debian's fonts-noto-cjk.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { Resvg } from '@resvg/resvg-js';
import { create as openFont, type Font } from 'fontkit';
import PDFDocument from 'pdfkit';
import { encode as encodeQr } from 'uqr';
import type { Actor } from '../access/access.rules.ts';
import { assertCan } from '../access/auth.ts';
import { isoInZone } from '../platform/clock.ts';
import { AppError, defineErrors } from '../platform/errors.ts';
import { areasByCodes } from '../registry/registry.store.ts';
import type { Services } from '../services.ts';
import { posterUrl } from './venue.codes.ts';
import { categoryOf, venueForActor } from './venue.service.ts';
import * as store from './venue.store.ts';
import type { VenueRow } from './venue.store.ts';

export const PosterErrors = defineErrors({
  POSTER_FONT_MISSING: {
    status: 500,
    zh: '服务器缺少中文字体，无法生成场所码海报：请用 apt-get 安装字体包 fonts-noto-cjk，或用 CORDON_CJK_FONT 指定字体文件{detail}',
    en: 'No CJK font for the venue poster: install fonts-noto-cjk (apt-get install fonts-noto-cjk) or point CORDON_CJK_FONT at a font file{detail}',
  },
  POSTER_FORMAT_UNKNOWN: { status: 400, zh: '海报格式须为 pdf 或 png', en: 'The poster format must be pdf or png' },
  POSTER_BASE_URL_REQUIRED: {
    status: 400,
    zh: '请用 --base-url 或 CORDON_PUBLIC_URL 给出居民访问本系统的网址（http:// 或 https://）',
    en: 'Give the address residents reach this server at, with --base-url or CORDON_PUBLIC_URL (http:// or https://)',
  },
});

export type PosterFormat = 'pdf' | 'png';

export function posterFormat(value: string): PosterFormat {
  const f = value.toLowerCase().replace(/^\./, '');
  if (f !== 'pdf' && f !== 'png') throw new AppError('POSTER_FORMAT_UNKNOWN');
  return f;
}

// ---- what the poster shows ---------------------------------------------------------------------

export interface PosterView {
  venueId: string;
  venueName: string;
  /** Chinese name of the category (超市, 餐馆, …). */
  categoryName: string;
  /** Area names from the top of the tree down to the venue's own area. */
  areaNames: string[];
  address: string;
  /** The signed poster URL the QR encodes. */
  url: string;
  codeVersion: number;
  /** YYYY-MM-DD in the deployment's time zone. */
  printedOn: string;
  /** The venue also shows a rotating screen code, which must be scanned on site. */
  requiresPresence: boolean;
}

/** The poster of a venue whose code is live; any other status is refused. */
export async function posterViewOf(s: Services, venue: VenueRow, baseUrl: string): Promise<PosterView> {
  if (venue.status !== 'approved') throw new AppError('VENUE_NOT_APPROVED');
  const codes = venue.area_path.split('/').filter(Boolean);
  const byCode = new Map((await areasByCodes(s.db, codes)).map((a) => [a.code, a.name]));
  return {
    venueId: venue.id,
    venueName: venue.name,
    categoryName: categoryOf(venue.category).name.zh,
    areaNames: codes.map((c) => byCode.get(c)).filter((n): n is string => Boolean(n)),
    address: venue.address,
    url: posterUrl(baseUrl, s.signing.venueCodeKey, venue.id, venue.code_version),
    codeVersion: venue.code_version,
    printedOn: isoInZone(s.clock.now(), s.config.timeZone).slice(0, 10),
    requiresPresence: venue.requires_presence === 1,
  };
}

/** For a signed-in user who manages the venue (operator of it, or staff over its area). */
export async function posterForActor(s: Services, actor: Actor, venueId: string, baseUrl: string): Promise<PosterView> {
  assertCan(actor, 'venue.manage');
  return posterViewOf(s, await venueForActor(s.db, actor, venueId), baseUrl);
}

/** For the system operator at the terminal (whole area tree). */
export async function posterForOperator(s: Services, venueId: string, baseUrl: string): Promise<PosterView> {
  const venue = await store.venueById(s.db, venueId);
  if (!venue) throw new AppError('VENUE_NOT_FOUND');
  return posterViewOf(s, venue, baseUrl);
}

/** A checked public base URL (scheme and host, no trailing slash). */
export function publicBaseUrl(value: string | undefined): string {
  if (!value) throw new AppError('POSTER_BASE_URL_REQUIRED');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new AppError('POSTER_BASE_URL_REQUIRED');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new AppError('POSTER_BASE_URL_REQUIRED');
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}

/** Content-Disposition for a download: an ASCII name, and the venue's own name for clients that read filename*. */
export function posterDisposition(view: PosterView, format: PosterFormat): string {
  const ascii = `venue-${view.venueId}-v${view.codeVersion}.${format}`;
  // eslint-disable-next-line no-control-regex -- matching control characters is the point of this pattern
  const own = `${view.venueName.replace(/[\\/:*?"<>|\u0000-\u001f\u007f]/g, '_')}-场所码-v${view.codeVersion}.${format}`;
  const encoded = encodeURIComponent(own).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

// ---- the CJK font ------------------------------------------------------------------------------

interface Face {
  path: string;
  /** The face inside a collection (.ttc), else null. */
  postscriptName: string | null;
  buffer: Buffer;
  font: Font;
}

export interface PosterFonts {
  regular: Face;
  bold: Face;
}

const NOTO_DIRS = [
  '/usr/share/fonts/opentype/noto',
  '/usr/share/fonts/noto-cjk',
  '/usr/share/fonts/google-noto-cjk',
  '/usr/share/fonts/opentype/noto-cjk',
];

function fontMissing(detail: string): AppError {
  return new AppError('POSTER_FONT_MISSING', { detail: detail ? ` (${detail})` : '' });
}

/** Opens a font file; in a collection picks the Simplified Chinese face, else the first. */
function openFace(path: string): Face {
  let buffer: Buffer;
  try {
    buffer = fs.readFileSync(path);
  } catch (err) {
    throw fontMissing(`${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let opened: ReturnType<typeof openFont>;
  try {
    opened = openFont(buffer);
  } catch (err) {
    throw fontMissing(`${path}: ${(err as Error).message}`);
  }
  if ('fonts' in opened) {
    const faces = opened.fonts;
    const font = faces.find((f) => /CJKsc-|SC-|-SC\b/i.test(f.postscriptName)) ?? faces[0];
    if (!font) throw fontMissing(`${path}: empty collection`);
    return { path, postscriptName: font.postscriptName, buffer, font };
  }
  return { path, postscriptName: null, buffer, font: opened };
}

/** A font file that covers Chinese as fontconfig knows it, when the usual places have none. */
function fontconfigCjkFile(): string | null {
  try {
    const out = execFileSync('fc-list', [':lang=zh', 'file'], {
      encoding: 'utf8',
      timeout: 5000,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const files = out
      .split('\n')
      .map((l) => l.trim().replace(/:$/, ''))
      .filter((f) => /\.(ttc|otf|ttf)$/i.test(f))
      .sort();
    return files.find((f) => /sans/i.test(f)) ?? files[0] ?? null;
  } catch {
    return null;
  }
}

let cached: { key: string; fonts: PosterFonts } | null = null;

/** The poster's fonts: `fontFile` (CORDON_CJK_FONT) if set, else Noto Sans CJK (Regular and Bold), else fontconfig's. */
export function posterFonts(fontFile: string | undefined): PosterFonts {
  const key = fontFile ?? '';
  if (cached?.key === key) return cached.fonts;
  let fonts: PosterFonts;
  if (key) {
    const face = openFace(key);
    fonts = { regular: face, bold: face };
  } else {
    const dir = NOTO_DIRS.find((d) => fs.existsSync(`${d}/NotoSansCJK-Regular.ttc`));
    if (dir) {
      const regular = openFace(`${dir}/NotoSansCJK-Regular.ttc`);
      const bold = fs.existsSync(`${dir}/NotoSansCJK-Bold.ttc`) ? openFace(`${dir}/NotoSansCJK-Bold.ttc`) : regular;
      fonts = { regular, bold };
    } else {
      const file = fontconfigCjkFile();
      if (!file) throw fontMissing('');
      const face = openFace(file);
      fonts = { regular: face, bold: face };
    }
  }
  for (const ch of '场所码扫') {
    if (!fonts.regular.font.hasGlyphForCodePoint(ch.codePointAt(0)!))
      throw fontMissing(`${fonts.regular.path} has no Chinese glyphs`);
  }
  cached = { key, fonts };
  return fonts;
}

// ---- layout ------------------------------------------------------------------------------------

const PAGE = { width: 595.28, height: 841.89 };
const MARGIN = 48;
const COLOUR = {
  brand: '#0a7a55',
  brandDark: '#075c40',
  brandTint: '#e8f4ee',
  ink: '#1d2327',
  muted: '#5b6670',
  rule: '#d5dbe0',
  noticeFill: '#fff5e0',
  noticeBar: '#e09a1a',
  noticeInk: '#6b4a06',
  white: '#ffffff',
};

type Weight = 'regular' | 'bold';

type Shape =
  | {
      kind: 'rect';
      x: number;
      y: number;
      w: number;
      h: number;
      r: number;
      fill?: string;
      stroke?: string;
      lineWidth?: number;
    }
  | { kind: 'circle'; cx: number; cy: number; r: number; fill: string }
  | { kind: 'text'; x: number; y: number; text: string; size: number; weight: Weight; colour: string }
  | { kind: 'qr'; x: number; y: number; module: number; runs: Array<{ row: number; col: number; len: number }> };

function widthOf(fonts: PosterFonts, weight: Weight, text: string, size: number): number {
  const font = fonts[weight].font;
  return (font.layout(text).advanceWidth / font.unitsPerEm) * size;
}

/** Break points for Chinese text: between any two CJK characters, at spaces, never inside a Latin word. */
function tokens(text: string): string[] {
  return text.match(/[A-Za-z0-9.@#&+\-_'’]+|\s+|./gu) ?? [];
}

/** Greedy wrap into at most maxLines lines; the last line ends with … when the text does not fit. */
function wrap(
  fonts: PosterFonts,
  weight: Weight,
  text: string,
  size: number,
  maxWidth: number,
  maxLines: number,
): { lines: string[]; fits: boolean } {
  const lines: string[] = [];
  let line = '';
  const parts = tokens(text.trim());
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    const next = line + part;
    if (widthOf(fonts, weight, next.trimEnd(), size) <= maxWidth || line.trim() === '') {
      line = next;
      continue;
    }
    lines.push(line.trimEnd());
    line = part.trimStart();
    if (lines.length === maxLines) {
      let last = lines.pop()!;
      while (last && widthOf(fonts, weight, `${last}…`, size) > maxWidth) last = [...last].slice(0, -1).join('');
      lines.push(`${last}…`);
      return { lines, fits: false };
    }
  }
  if (line.trim()) lines.push(line.trimEnd());
  return { lines, fits: lines.every((l) => widthOf(fonts, weight, l, size) <= maxWidth) };
}

/** The largest size from `max` down to `min` at which the text fits in maxLines lines. */
function fit(
  fonts: PosterFonts,
  weight: Weight,
  text: string,
  maxWidth: number,
  max: number,
  min: number,
  maxLines: number,
): { lines: string[]; size: number } {
  for (let size = max; size > min; size -= 2) {
    const r = wrap(fonts, weight, text, size, maxWidth, maxLines);
    if (r.fits) return { lines: r.lines, size };
  }
  return { lines: wrap(fonts, weight, text, min, maxWidth, maxLines).lines, size: min };
}

function centred(
  fonts: PosterFonts,
  weight: Weight,
  text: string,
  size: number,
  y: number,
  colour: string,
  cx = PAGE.width / 2,
): Shape {
  return { kind: 'text', x: cx - widthOf(fonts, weight, text, size) / 2, y, text, size, weight, colour };
}

/** Dark modules of the QR as horizontal runs, quiet zone excluded. */
function qrRuns(url: string): { size: number; runs: Array<{ row: number; col: number; len: number }> } {
  const qr = encodeQr(url, { ecc: 'M', border: 0 });
  const runs: Array<{ row: number; col: number; len: number }> = [];
  qr.data.forEach((row, r) => {
    for (let c = 0; c < row.length; c++) {
      if (!row[c]) continue;
      let len = 1;
      while (row[c + len]) len++;
      runs.push({ row: r, col: c, len });
      c += len - 1;
    }
  });
  return { size: qr.size, runs };
}

export function posterLayout(view: PosterView, fonts: PosterFonts): Shape[] {
  const shapes: Shape[] = [];
  const W = PAGE.width;
  const H = PAGE.height;
  const inner = W - 2 * MARGIN;

  // Header band: the heading and the system's name.
  shapes.push({ kind: 'rect', x: 0, y: 0, w: W, h: 132, r: 0, fill: COLOUR.brand });
  shapes.push(centred(fonts, 'bold', '场所码', 56, 80, COLOUR.white));
  shapes.push(centred(fonts, 'regular', 'Cordon 一站式防疫指挥系统', 13, 110, '#cfe9dd'));

  // The venue: name (up to three lines), category and area, address.
  let y = 132 + 30;
  const name = fit(fonts, 'bold', view.venueName, inner, 40, 22, 3);
  for (const line of name.lines) {
    y += name.size * 1.05;
    shapes.push(centred(fonts, 'bold', line, name.size, y, COLOUR.ink));
    y += name.size * 0.25;
  }
  const where = [view.categoryName, view.areaNames.join(' ')].filter(Boolean).join(' · ');
  const whereFit = fit(fonts, 'regular', where, inner, 16, 10, 1);
  y += 14 + whereFit.size;
  shapes.push(centred(fonts, 'regular', whereFit.lines[0] ?? '', whereFit.size, y, COLOUR.muted));
  if (view.address.trim()) {
    const addr = fit(fonts, 'regular', `地址：${view.address.trim()}`, inner, 13, 9, 1);
    y += 8 + addr.size;
    shapes.push(centred(fonts, 'regular', addr.lines[0] ?? '', addr.size, y, COLOUR.muted));
  }

  // Bottom up: footer, notices, steps, the scan line; the QR takes the space that is left.
  const footerRule = H - 46;
  shapes.push({ kind: 'rect', x: MARGIN, y: footerRule, w: inner, h: 0.8, r: 0, fill: COLOUR.rule });
  const footerLeft = `场所编号 ${view.venueId} · 第 ${view.codeVersion} 版 · ${view.printedOn} 印制`;
  shapes.push({
    kind: 'text',
    x: MARGIN,
    y: footerRule + 22,
    text: footerLeft,
    size: 9.5,
    weight: 'regular',
    colour: COLOUR.muted,
  });
  const footerRight = '换发新码后旧码即作废 · 请勿遮挡、涂改';
  shapes.push({
    kind: 'text',
    x: W - MARGIN - widthOf(fonts, 'regular', footerRight, 9.5),
    y: footerRule + 22,
    text: footerRight,
    size: 9.5,
    weight: 'regular',
    colour: COLOUR.muted,
  });

  const notices = ['无智能手机人员请出示纸质码或身份证，由工作人员代为登记'];
  if (view.requiresPresence) notices.push('本场所须现场扫描入口屏幕上的动态码，扫描本码将提示前往屏幕扫码');
  let bottom = footerRule - 22;
  for (const text of notices.reverse()) {
    const t = fit(fonts, 'regular', text, inner - 48, 15, 10, 1);
    const h = 44;
    const top = bottom - h;
    shapes.push({ kind: 'rect', x: MARGIN, y: top, w: inner, h, r: 6, fill: COLOUR.noticeFill });
    shapes.push({ kind: 'rect', x: MARGIN, y: top, w: 5, h, r: 0, fill: COLOUR.noticeBar });
    shapes.push({
      kind: 'text',
      x: MARGIN + 24,
      y: top + h / 2 + t.size * 0.36,
      text: t.lines[0] ?? '',
      size: t.size,
      weight: 'regular',
      colour: COLOUR.noticeInk,
    });
    bottom = top - 10;
  }

  // Three steps in a row: numbered pills.
  const steps = ['扫码登记', '出示健康码', '佩戴口罩'];
  const gap = 14;
  const pillW = (inner - 2 * gap) / 3;
  const pillH = 46;
  const pillTop = bottom - 8 - pillH;
  steps.forEach((label, i) => {
    const x = MARGIN + i * (pillW + gap);
    shapes.push({ kind: 'rect', x, y: pillTop, w: pillW, h: pillH, r: pillH / 2, fill: COLOUR.brandTint });
    const labelW = widthOf(fonts, 'bold', label, 17);
    const groupW = 26 + 10 + labelW;
    const gx = x + (pillW - groupW) / 2;
    shapes.push({ kind: 'circle', cx: gx + 13, cy: pillTop + pillH / 2, r: 13, fill: COLOUR.brand });
    const digit = String(i + 1);
    shapes.push({
      kind: 'text',
      x: gx + 13 - widthOf(fonts, 'bold', digit, 15) / 2,
      y: pillTop + pillH / 2 + 5.4,
      text: digit,
      size: 15,
      weight: 'bold',
      colour: COLOUR.white,
    });
    shapes.push({
      kind: 'text',
      x: gx + 36,
      y: pillTop + pillH / 2 + 6.1,
      text: label,
      size: 17,
      weight: 'bold',
      colour: COLOUR.brandDark,
    });
  });

  const scanLine = view.requiresPresence ? '请扫描入口屏幕上的动态场所码登记' : '请使用手机扫码登记';
  const scanBaseline = pillTop - 20;
  shapes.push(centred(fonts, 'bold', scanLine, 26, scanBaseline, COLOUR.brand));

  // The QR in a framed card, as large as the space between the venue lines and the scan line allows.
  const qr = qrRuns(view.url);
  const quiet = 4;
  const spaceTop = y + 22;
  const spaceBottom = scanBaseline - 26 - 16;
  const card = Math.min(330, spaceBottom - spaceTop);
  const module = Math.floor(((card - 24) / (qr.size + 2 * quiet)) * 100) / 100;
  const qrSide = module * qr.size;
  const cardX = (W - card) / 2;
  const cardY = spaceTop + (spaceBottom - spaceTop - card) / 2;
  shapes.push({
    kind: 'rect',
    x: cardX,
    y: cardY,
    w: card,
    h: card,
    r: 14,
    fill: COLOUR.white,
    stroke: COLOUR.brand,
    lineWidth: 3,
  });
  shapes.push({ kind: 'qr', x: cardX + (card - qrSide) / 2, y: cardY + (card - qrSide) / 2, module, runs: qr.runs });
  return shapes;
}

// ---- drawing -----------------------------------------------------------------------------------

function drawPdf(view: PosterView, fonts: PosterFonts, shapes: Shape[]): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margin: 0,
    autoFirstPage: true,
    info: {
      Title: `${view.venueName} 场所码`,
      Author: 'Cordon',
      Subject: `场所码 第 ${view.codeVersion} 版`,
      Creator: 'Cordon',
    },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  for (const weight of ['regular', 'bold'] as const) {
    const face = fonts[weight];
    if (face.postscriptName) doc.registerFont(weight, face.buffer, face.postscriptName);
    else doc.registerFont(weight, face.buffer);
  }
  for (const s of shapes) {
    switch (s.kind) {
      case 'rect':
        if (s.r) doc.roundedRect(s.x, s.y, s.w, s.h, s.r);
        else doc.rect(s.x, s.y, s.w, s.h);
        if (s.fill && s.stroke) doc.lineWidth(s.lineWidth ?? 1).fillAndStroke(s.fill, s.stroke);
        else if (s.stroke) doc.lineWidth(s.lineWidth ?? 1).stroke(s.stroke);
        else doc.fill(s.fill ?? '#000000');
        break;
      case 'circle':
        doc.circle(s.cx, s.cy, s.r).fill(s.fill);
        break;
      case 'text':
        doc
          .font(s.weight)
          .fontSize(s.size)
          .fillColor(s.colour)
          .text(s.text, s.x, s.y, { lineBreak: false, baseline: 'alphabetic' });
        break;
      case 'qr':
        for (const run of s.runs)
          doc.rect(s.x + run.col * s.module, s.y + run.row * s.module, run.len * s.module, s.module);
        doc.fill('#000000');
        break;
    }
  }
  doc.end();
  return done;
}

function n(v: number): string {
  return String(Math.round(v * 100) / 100);
}

/**
 * A line of text as glyph outlines (SVG path data, origin on the baseline at its start): the PNG shows
 * exactly the glyphs the PDF embeds, and the rasteriser needs no fonts of its own.
 */
function textOutline(font: Font, text: string, size: number): string {
  const k = size / font.unitsPerEm;
  const run = font.layout(text);
  let pen = 0;
  const parts: string[] = [];
  run.glyphs.forEach((glyph, i) => {
    const pos = run.positions[i]!;
    const path = glyph.path.transform(k, 0, 0, -k, (pen + pos.xOffset) * k, -pos.yOffset * k);
    parts.push(path.toSVG());
    pen += pos.xAdvance;
  });
  return parts.join('');
}

export function posterSvg(fonts: PosterFonts, shapes: Shape[]): string {
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${n(PAGE.width)}pt" height="${n(PAGE.height)}pt" viewBox="0 0 ${n(PAGE.width)} ${n(PAGE.height)}">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
  ];
  for (const s of shapes) {
    switch (s.kind) {
      case 'rect': {
        const stroke = s.stroke ? ` stroke="${s.stroke}" stroke-width="${n(s.lineWidth ?? 1)}"` : '';
        out.push(
          `<rect x="${n(s.x)}" y="${n(s.y)}" width="${n(s.w)}" height="${n(s.h)}" rx="${n(s.r)}" fill="${s.fill ?? 'none'}"${stroke}/>`,
        );
        break;
      }
      case 'circle':
        out.push(`<circle cx="${n(s.cx)}" cy="${n(s.cy)}" r="${n(s.r)}" fill="${s.fill}"/>`);
        break;
      case 'text':
        out.push(
          `<path transform="translate(${n(s.x)} ${n(s.y)})" d="${textOutline(fonts[s.weight].font, s.text, s.size)}" fill="${s.colour}"/>`,
        );
        break;
      case 'qr': {
        const d = s.runs
          .map(
            (r) =>
              `M${n(s.x + r.col * s.module)} ${n(s.y + r.row * s.module)}h${n(r.len * s.module)}v${n(s.module)}h-${n(r.len * s.module)}z`,
          )
          .join('');
        out.push(`<path d="${d}" fill="#000000" shape-rendering="crispEdges"/>`);
        break;
      }
    }
  }
  out.push('</svg>');
  return out.join('\n');
}

/** PNG width in pixels: A4 at 150 dpi. */
export const POSTER_PNG_WIDTH = 1240;

function drawPng(fonts: PosterFonts, shapes: Shape[]): Buffer {
  const resvg = new Resvg(posterSvg(fonts, shapes), {
    fitTo: { mode: 'width', value: POSTER_PNG_WIDTH },
    background: '#ffffff',
    font: { loadSystemFonts: false },
    logLevel: 'off',
  });
  return resvg.render().asPng();
}

/** The poster as a PDF or PNG file. Throws POSTER_FONT_MISSING when no CJK font can be found. */
export async function renderPoster(
  view: PosterView,
  format: PosterFormat,
  fontFile: string | undefined,
): Promise<Buffer> {
  const fonts = posterFonts(fontFile);
  const shapes = posterLayout(view, fonts);
  return format === 'pdf' ? drawPdf(view, fonts, shapes) : drawPng(fonts, shapes);
}
