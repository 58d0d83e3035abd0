import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import jsqr from 'jsqr';
import { PNG } from 'pngjs';
import { dialects } from '../support/dialects.ts';
import { AREAS, seedTestAreas, signIn, testServices, type SignedIn, type TestServices } from '../support/services.ts';
import { build } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { createServices, type Services } from '../../src/services.ts';
import type { App } from '../../src/platform/http.ts';
import { parseVenueCode, verifyPosterCode } from '../../src/venues/venue.codes.ts';
import { posterFormat, publicBaseUrl } from '../../src/venues/venue.poster.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
// jsqr is CommonJS with an ES-style default export: the function is its `default`.
const jsQR = jsqr.default;

/** The text a PDF shows: content-stream strings decoded through each font's ToUnicode map. */
function pdfText(pdf: Buffer): string {
  const src = pdf.toString('latin1');
  const objects = new Map<number, { dict: string; data: string | null }>();
  // Walk the objects in order; a stream's bytes are taken by its /Length, since compressed data may
  // itself contain the bytes "endobj".
  const head = /(\d+) 0 obj/g;
  let m: RegExpExecArray | null;
  while ((m = head.exec(src))) {
    const start = m.index + m[0].length;
    const streamAt = src.indexOf('stream', start);
    const endAt = src.indexOf('endobj', start);
    if (streamAt < 0 || (endAt >= 0 && endAt < streamAt)) {
      objects.set(Number(m[1]), { dict: src.slice(start, endAt), data: null });
      continue;
    }
    const dict = src.slice(start, streamAt);
    const length = Number(/\/Length (\d+)/.exec(dict)?.[1]);
    const dataStart = streamAt + 'stream'.length + (src[streamAt + 6] === '\r' ? 2 : 1);
    let raw = pdf.subarray(dataStart, dataStart + length);
    if (dict.includes('/FlateDecode')) raw = zlib.inflateSync(raw);
    objects.set(Number(m[1]), { dict, data: raw.toString('latin1') });
    head.lastIndex = dataStart + length;
  }
  const fontObj = new Map<string, number>();
  for (const { dict } of objects.values()) {
    for (const f of dict.matchAll(/\/(F\d+) (\d+) 0 R/g)) fontObj.set(f[1]!, Number(f[2]));
  }
  const cmaps = new Map<string, Map<number, string>>();
  for (const [name, num] of fontObj) {
    const ref = /\/ToUnicode (\d+) 0 R/.exec(objects.get(num)?.dict ?? '');
    const cmap = new Map<number, string>();
    const text = ref ? (objects.get(Number(ref[1]))?.data ?? '') : '';
    for (const r of text.matchAll(/<([0-9a-f]+)> <([0-9a-f]+)> \[([^\]]*)\]/gi)) {
      [...r[3]!.matchAll(/<([0-9a-f ]+)>/gi)].forEach((u, i) => {
        const units = u[1]!
          .trim()
          .split(/\s+/)
          .map((h) => parseInt(h, 16));
        cmap.set(parseInt(r[1]!, 16) + i, String.fromCharCode(...units));
      });
    }
    cmaps.set(name, cmap);
  }
  const out: string[] = [];
  for (const { data } of objects.values()) {
    if (!data || !data.includes('Tf')) continue;
    let cmap = new Map<number, string>();
    for (const op of data.matchAll(/\/(F\d+) [\d.]+ Tf|\[([^\]]*)\] TJ|<([0-9a-f]*)> Tj|BT/gi)) {
      if (op[0] === 'BT') out.push('\n');
      else if (op[1]) cmap = cmaps.get(op[1]) ?? new Map();
      else {
        for (const hex of (op[2] ?? `<${op[3]}>`).matchAll(/<([0-9a-f]*)>/gi)) {
          for (let i = 0; i + 4 <= hex[1]!.length; i += 4)
            out.push(cmap.get(parseInt(hex[1]!.slice(i, i + 4), 16)) ?? '\uFFFD');
        }
      }
    }
  }
  return out.join('');
}

/** The text of the QR code in a PNG, or null when none can be read. */
function qrOf(png: Buffer): string | null {
  const image = PNG.sync.read(png);
  const found = jsQR(
    new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.length),
    image.width,
    image.height,
  );
  return found?.data ?? null;
}

async function setup(s: Services) {
  const areas = await seedTestAreas(s);
  const app: App = await build(s, { serveWeb: false });
  const worker = await signIn(s, 'community_worker', AREAS.wenyuan);
  const call = (method: 'GET' | 'POST', url: string, who?: SignedIn, payload?: object) =>
    app.inject({ method, url: `/api/v1${url}`, headers: who?.headers ?? {}, ...(payload ? { payload } : {}) });
  const created = await call('POST', '/venues', worker, {
    areaId: areas[AREAS.wenyuanGrid],
    name: '文苑生鲜超市',
    category: 'supermarket',
    address: '文苑路8号',
    capacity: 120,
  });
  assert.equal(created.statusCode, 201, created.body);
  const venueId = created.json().id as string;
  return { app, areas, worker, call, venueId };
}

for (const { dialect, skip } of await dialects()) {
  describe(`venue poster HTTP [${dialect}]`, { skip }, () => {
    test('an approved venue’s poster: a one-page A4 PDF with its text, and a PNG whose QR is the signed poster URL', async () => {
      const s: TestServices = await testServices(dialect);
      const { app, worker, call, venueId } = await setup(s);
      try {
        const pending = await call('GET', `/venues/${venueId}/poster.pdf`, worker);
        assert.equal(pending.statusCode, 403);
        assert.equal(pending.json().code, 'VENUE_NOT_APPROVED');
        assert.equal(
          (await call('POST', `/venues/${venueId}/approve`, await signIn(s, 'command', AREAS.city))).statusCode,
          200,
        );
        const code = (await call('GET', `/venues/${venueId}/code`, worker)).json() as {
          url: string;
          codeVersion: number;
        };

        const pdf = await call('GET', `/venues/${venueId}/poster.pdf`, worker);
        assert.equal(pdf.statusCode, 200, pdf.body);
        assert.equal(pdf.headers['content-type'], 'application/pdf');
        const disposition = String(pdf.headers['content-disposition']);
        assert.match(disposition, new RegExp(`^attachment; filename="venue-${venueId}-v1\\.pdf"; filename\\*=UTF-8''`));
        assert.equal(decodeURIComponent(disposition.split("UTF-8''")[1]!), '文苑生鲜超市-场所码-v1.pdf');
        const body = pdf.rawPayload;
        assert.equal(body.subarray(0, 5).toString('latin1'), '%PDF-');
        assert.ok(body.length < 400_000, `PDF of ${body.length} bytes: the font must be subset`);
        const raw = body.toString('latin1');
        assert.equal(raw.match(/\/Type \/Page\b/g)?.length, 1);
        assert.match(raw, /\/MediaBox \[0 0 595\.28 841\.89\]/);
        assert.match(raw, /\/BaseFont \/[A-Z]{6}\+NotoSansCJKsc-/);
        const text = pdfText(body);
        for (const expected of [
          '场所码',
          '文苑生鲜超市',
          '超市',
          '辽源市 龙山区 向阳街道 文苑社区 第一网格',
          '地址：文苑路8号',
          '请使用手机扫码登记',
          '扫码登记',
          '出示健康码',
          '佩戴口罩',
          '无智能手机人员请出示纸质码或身份证，由工作人员代为登记',
          'Cordon 一站式防疫指挥系统',
          `场所编号 ${venueId} · 第 1 版`,
        ])
          assert.ok(text.includes(expected), `PDF text lacks “${expected}”:\n${text}`);

        const png = await call('GET', `/venues/${venueId}/poster.png`, worker);
        assert.equal(png.statusCode, 200);
        assert.equal(png.headers['content-type'], 'image/png');
        assert.match(String(png.headers['content-disposition']), new RegExp(`filename="venue-${venueId}-v1\\.png"`));
        const image = PNG.sync.read(png.rawPayload);
        assert.equal(image.width, 1240);
        assert.equal(image.height, Math.round((1240 * 841.89) / 595.28)); // A4 at 150 dpi
        const scanned = qrOf(png.rawPayload);
        assert.equal(scanned, code.url);
        assert.equal(verifyPosterCode(s.signing.venueCodeKey, parseVenueCode(scanned!)!, code.codeVersion), 'ok');

        // Reissuing revokes the printed code: the next poster carries the new version.
        const reissued = (await call('POST', `/venues/${venueId}/code/reissue`, worker, {})).json() as {
          url: string;
          codeVersion: number;
        };
        assert.equal(reissued.codeVersion, 2);
        const second = await call('GET', `/venues/${venueId}/poster.png`, worker);
        assert.equal(qrOf(second.rawPayload), reissued.url);
        assert.notEqual(reissued.url, scanned);
        assert.ok(pdfText((await call('GET', `/venues/${venueId}/poster.pdf`, worker)).rawPayload).includes('第 2 版'));
      } finally {
        await app.close();
        await s.close();
      }
    });

    test('refused: suspended or unknown venue, no permission, out of scope, not signed in; no font is a clear error', async () => {
      const s: TestServices = await testServices(dialect);
      const { app, worker, call, venueId } = await setup(s);
      try {
        assert.equal(
          (await call('POST', `/venues/${venueId}/approve`, await signIn(s, 'command', AREAS.city))).statusCode,
          200,
        );
        const analyst = await signIn(s, 'investigator', AREAS.wenyuan);
        const forbidden = await call('GET', `/venues/${venueId}/poster.pdf`, analyst);
        assert.equal(forbidden.statusCode, 403);
        assert.equal(forbidden.json().code, 'FORBIDDEN');
        const elsewhere = await signIn(s, 'community_worker', AREAS.xingyang);
        assert.equal((await call('GET', `/venues/${venueId}/poster.png`, elsewhere)).json().code, 'OUT_OF_SCOPE');
        const otherOperator = await signIn(s, 'venue_operator', AREAS.wenyuan);
        assert.equal((await call('GET', `/venues/${venueId}/poster.png`, otherOperator)).json().code, 'OUT_OF_SCOPE');
        assert.equal((await call('GET', `/venues/${venueId}/poster.pdf`)).json().code, 'UNAUTHENTICATED');
        assert.equal((await call('GET', '/venues/nosuchvenue/poster.pdf', worker)).json().code, 'VENUE_NOT_FOUND');

        const previous = s.config.cjkFont; // CORDON_CJK_FONT
        s.config.cjkFont = path.join(os.tmpdir(), 'no-such-font.ttc');
        try {
          const noFont = await call('GET', `/venues/${venueId}/poster.pdf`, worker);
          assert.equal(noFont.statusCode, 500);
          assert.equal(noFont.json().code, 'POSTER_FONT_MISSING');
        } finally {
          s.config.cjkFont = previous;
        }
        assert.equal((await call('GET', `/venues/${venueId}/poster.pdf`, worker)).statusCode, 200);

        assert.equal((await call('POST', `/venues/${venueId}/suspend`, worker, { reason: '停业' })).statusCode, 200);
        for (const format of ['pdf', 'png']) {
          const res = await call('GET', `/venues/${venueId}/poster.${format}`, worker);
          assert.equal(res.statusCode, 403);
          assert.equal(res.json().code, 'VENUE_NOT_APPROVED');
        }
      } finally {
        await app.close();
        await s.close();
      }
    });
  });
}

describe('cordon venue poster', () => {
  test('the format follows the extension; the base URL must be an http(s) address', () => {
    assert.equal(posterFormat('.PNG'), 'png');
    assert.equal(posterFormat('.pdf'), 'pdf');
    assert.throws(() => posterFormat('.jpg'), { code: 'POSTER_FORMAT_UNKNOWN' });
    assert.equal(publicBaseUrl('https://cordon.example.cn/'), 'https://cordon.example.cn');
    for (const bad of [undefined, '', 'cordon.example.cn', 'ftp://cordon.example.cn']) {
      assert.throws(() => publicBaseUrl(bad), { code: 'POSTER_BASE_URL_REQUIRED' });
    }
  });

  test('writes the poster of an approved venue as PNG or PDF, by the file’s extension', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-poster-'));
    try {
      const s = await createServices(loadConfig({}, { dataDir }));
      let venueId: string;
      try {
        const t = await setup(s);
        venueId = t.venueId;
        assert.equal(
          (await t.call('POST', `/venues/${venueId}/approve`, await signIn(s, 'command', AREAS.city))).statusCode,
          200,
        );
        await t.app.close();
      } finally {
        await s.close();
      }
      const env: NodeJS.ProcessEnv = { ...process.env, CORDON_DATA_DIR: dataDir, DATABASE_URL: '', LANG: 'C' };
      delete env.CORDON_PUBLIC_URL;
      const cli = (...args: string[]) =>
        spawnSync(process.execPath, ['bin/cordon.js', ...args], { cwd: ROOT, env, encoding: 'utf8' });

      const pngFile = path.join(dataDir, 'poster.png');
      const png = cli('venue', 'poster', venueId, '--out', pngFile, '--base-url', 'https://cordon.example.cn/');
      assert.equal(png.status, 0, png.stderr);
      const url = qrOf(fs.readFileSync(pngFile));
      assert.match(url ?? '', new RegExp(`^https://cordon\\.example\\.cn/v/${venueId}\\.1\\.`));
      const s2 = await createServices(loadConfig({}, { dataDir }));
      try {
        assert.equal(verifyPosterCode(s2.signing.venueCodeKey, parseVenueCode(url!)!, 1), 'ok');
      } finally {
        await s2.close();
      }

      const pdfFile = path.join(dataDir, 'poster.pdf');
      const pdf = cli('venue', 'poster', venueId, '--out', pdfFile, '--base-url', 'https://cordon.example.cn');
      assert.equal(pdf.status, 0, pdf.stderr);
      assert.ok(pdfText(fs.readFileSync(pdfFile)).includes('文苑生鲜超市'));

      const noBase = cli('venue', 'poster', venueId, '--out', pngFile);
      assert.notEqual(noBase.status, 0);
      assert.match(noBase.stderr, /POSTER_BASE_URL_REQUIRED/);
      const unknown = cli(
        'venue',
        'poster',
        'nosuchvenue',
        '--out',
        pngFile,
        '--base-url',
        'https://cordon.example.cn',
      );
      assert.notEqual(unknown.status, 0);
      assert.match(unknown.stderr, /VENUE_NOT_FOUND/);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
