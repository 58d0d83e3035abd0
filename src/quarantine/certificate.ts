// The release certificate (解除隔离证明): a signed token in its QR, made like the personal code (Ed25519
// with the personal-code key, verified offline with the published public key, or on the server, which
// also checks that the order is still released), and the printable A4 PDF with the person's masked
// name, the order, its dates and the home phase that follows.
// Chinese needs a CJK font: CORDON_CJK_FONT, else the Noto Sans CJK faces of Debian's fonts-noto-cjk.
import crypto from 'node:crypto';
import fs from 'node:fs';
import PDFDocument from 'pdfkit';
import { encode as encodeQr } from 'uqr';
import { AppError } from '../platform/errors.ts';
import { isoInZone } from '../platform/clock.ts';

export interface CertificateClaims {
  orderId: string;
  /** Masked (张*): the certificate is shown to others. */
  personName: string;
  kind: string;
  startAt: number;
  releasedAt: number;
  followOn: { place: string; until: number } | null;
}

const PREFIX = 'q1';

/** Signs the claims: `q1.<payload>.<signature>`, base64url. */
export function certificateToken(privateKey: crypto.KeyObject, c: CertificateClaims): string {
  const claims = { o: c.orderId, n: c.personName, k: c.kind, s: c.startAt, r: c.releasedAt, f: c.followOn };
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const sig = crypto.sign(null, Buffer.from(`${PREFIX}.${payload}`), privateKey).toString('base64url');
  return `${PREFIX}.${payload}.${sig}`;
}

/** The claims of a token signed by the key's pair, or null (altered, foreign, malformed). Pure and offline. */
export function verifyCertificateToken(publicKey: crypto.KeyObject | string, token: string): CertificateClaims | null {
  const parts = token.trim().split('.');
  if (parts.length !== 3 || parts[0] !== PREFIX || !parts[1] || !parts[2]) return null;
  try {
    if (!crypto.verify(null, Buffer.from(`${PREFIX}.${parts[1]}`), publicKey, Buffer.from(parts[2], 'base64url')))
      return null;
    const c = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as Record<string, unknown>;
    if (typeof c.o !== 'string' || typeof c.n !== 'string' || typeof c.k !== 'string') return null;
    if (typeof c.s !== 'number' || typeof c.r !== 'number') return null;
    const f = c.f as { place?: unknown; until?: unknown } | null;
    const followOn =
      f && typeof f.place === 'string' && typeof f.until === 'number' ? { place: f.place, until: f.until } : null;
    return { orderId: c.o, personName: c.n, kind: c.k, startAt: c.s, releasedAt: c.r, followOn };
  } catch {
    return null;
  }
}

/** Where the QR leads: the public verification of the token. */
export function verifyUrl(baseUrl: string, token: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/api/v1/quarantine/certificates/verify?c=${encodeURIComponent(token)}`;
}

// ---- the PDF --------------------------------------------------------------------------------------

const KIND_ZH: Record<string, string> = {
  close_contact: '密切接触者',
  secondary_contact: '次密切接触者',
  high_risk_arrival: '高风险区来返人员',
  medium_risk_arrival: '中风险区来返人员',
  released_case: '出院（解除隔离）病例',
};
const PLACE_ZH: Record<string, string> = {
  centralised: '集中隔离',
  home_quarantine: '居家隔离',
  home_health_monitoring: '居家健康监测',
};

const FONT_FILES = [
  '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc',
  '/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc',
  '/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc',
  '/usr/share/fonts/opentype/noto-cjk/NotoSansCJK-Regular.ttc',
];

function cjkFont(fontFile: string | undefined): { buffer: Buffer; family?: string } {
  const file = fontFile ?? FONT_FILES.find((f) => fs.existsSync(f));
  if (!file) throw new AppError('QUARANTINE_CERTIFICATE_FONT_MISSING', { detail: '' });
  try {
    return { buffer: fs.readFileSync(file), family: /\.ttc$/i.test(file) ? 'NotoSansCJKsc-Regular' : undefined };
  } catch (err) {
    throw new AppError('QUARANTINE_CERTIFICATE_FONT_MISSING', { detail: ` (${file}: ${(err as Error).message})` });
  }
}

export interface CertificateView {
  claims: CertificateClaims;
  orderId: string;
  areaName: string;
  ruleSetId: string;
  url: string;
  timeZone: string;
  printedAt: number;
}

/** The certificate as an A4 PDF (text stays text; the QR drawn as vector runs). */
export function renderCertificate(v: CertificateView, fontFile: string | undefined): Promise<Buffer> {
  const font = cjkFont(fontFile);
  const doc = new PDFDocument({
    size: 'A4',
    margin: 56,
    info: { Title: '解除隔离证明', Author: 'Cordon', Subject: `隔离医学观察 ${v.orderId}`, Creator: 'Cordon' },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  if (font.family) doc.registerFont('cjk', font.buffer, font.family);
  else doc.registerFont('cjk', font.buffer);
  const day = (ms: number) => isoInZone(ms, v.timeZone).slice(0, 10);
  const c = v.claims;
  doc.font('cjk').fontSize(26).fillColor('#075c40').text('解除隔离证明', { align: 'center' });
  doc
    .moveDown(0.3)
    .fontSize(11)
    .fillColor('#5b6670')
    .text('Certificate of release from quarantine', { align: 'center' });
  doc.moveDown(1.5).fillColor('#1d2327').fontSize(14);
  const lines: Array<[string, string]> = [
    ['姓名', c.personName],
    ['所属区域', v.areaName],
    ['管理类别', KIND_ZH[c.kind] ?? c.kind],
    ['起算日期（第 0 天）', day(c.startAt)],
    ['解除日期', day(c.releasedAt)],
    ['依据', `${v.ruleSetId}`],
    ['证明编号', v.orderId],
  ];
  if (c.followOn)
    lines.push(['后续管理', `${PLACE_ZH[c.followOn.place] ?? c.followOn.place}至 ${day(c.followOn.until - 1)}`]);
  for (const [label, value] of lines) {
    doc.text(`${label}：${value}`);
    doc.moveDown(0.4);
  }
  doc
    .moveDown(0.6)
    .fontSize(12)
    .text('经核验，该人员已按规定完成隔离医学观察，期间核酸检测均为阴性，符合解除隔离条件，特此证明。', { width: 480 });
  const qr = encodeQr(v.url, { ecc: 'M', border: 0 });
  const size = 150;
  const module = size / qr.size;
  const x = 595.28 / 2 - size / 2;
  const y = 520;
  qr.data.forEach((row, r) => {
    for (let col = 0; col < row.length; col++) if (row[col]) doc.rect(x + col * module, y + r * module, module, module);
  });
  doc.fill('#000000');
  doc
    .fontSize(10)
    .fillColor('#5b6670')
    .text('扫码核验真伪（签名与系统记录一致方为有效）', 56, y + size + 12, { align: 'center', width: 483 });
  doc.text(`打印时间：${isoInZone(v.printedAt, v.timeZone).slice(0, 16).replace('T', ' ')}`, {
    align: 'center',
    width: 483,
  });
  doc.end();
  return done;
}
