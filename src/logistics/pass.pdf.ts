// The printable A4 vehicle pass (重点物资运输车辆通行证) in the national template's green: number,
// vehicle, drivers, route, cargo, validity and issuer, with the QR of the signed token that the
// electronic pass carries, so the paper and the phone are checked the same way. pdfkit draws it with
// the CJK font the venue posters use (CORDON_CJK_FONT, else Noto Sans CJK).
import PDFDocument from 'pdfkit';
import { encode as encodeQr } from 'uqr';
import { posterFonts } from '../venues/venue.poster.ts';
import type { LogisticsPolicy } from './logistics.policy.ts';
import type { PassView } from './passes.schema.ts';

const GREEN = '#1f8a4c';
const GREEN_TINT = '#e7f4ec';
const INK = '#1d2327';
const MUTED = '#5b6670';

export function passFileName(view: PassView): string {
  return `vehicle-pass-${view.number ?? view.id}.pdf`;
}

function nameOf(list: { code: string; zh: string }[], code: string): string {
  return list.find((x) => x.code === code)?.zh ?? code;
}

export function renderPassPdf(
  view: PassView,
  token: string,
  policy: LogisticsPolicy,
  fontFile: string | undefined,
): Promise<Buffer> {
  const fonts = posterFonts(fontFile);
  const doc = new PDFDocument({
    size: 'A4',
    margin: 0,
    info: { Title: `重点物资运输车辆通行证 ${view.number ?? ''}`, Author: 'Cordon', Creator: 'Cordon' },
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
  const W = 595.28;
  const M = 48;
  // The green frame and header band of the template.
  doc
    .rect(M - 12, M - 12, W - 2 * (M - 12), 760)
    .lineWidth(4)
    .stroke(GREEN);
  doc.rect(M, M, W - 2 * M, 92).fill(GREEN);
  doc
    .font('bold')
    .fontSize(28)
    .fillColor('#ffffff')
    .text('重点物资运输车辆通行证', M, M + 18, { width: W - 2 * M, align: 'center' });
  doc
    .font('regular')
    .fontSize(12)
    .fillColor('#ffffff')
    .text('一车一证  一线一证  全国互认', M, M + 60, { width: W - 2 * M, align: 'center' });
  doc
    .font('bold')
    .fontSize(16)
    .fillColor(INK)
    .text(`编号：${view.number ?? ''}`, M, M + 112);

  const rows: Array<[string, string]> = [
    ['车牌号码', view.trailerPlate ? `${view.plate}（挂车 ${view.trailerPlate}）` : view.plate],
    ['运输企业', view.enterpriseName],
    ['驾驶员', view.drivers.map((d) => `${d.name} ${d.phone}`).join('；') || '—'],
    ['起点', `${view.origin.name ?? ''}（${view.origin.code}）`],
    ['终点', `${view.destination.name ?? ''}（${view.destination.code}）`],
    ['运输物资', `${nameOf(policy.cargoCategories, view.cargoCategory)}${view.cargoNote ? `：${view.cargoNote}` : ''}`],
    ['有效期', `${view.validFrom} 至 ${view.validUntil}`],
    ['发证单位', `${view.county.name ?? view.county.code} ${nameOf(policy.departments, view.department)}`],
  ];
  let y = M + 146;
  const labelW = 96;
  const tableW = W - 2 * M;
  for (const [label, value] of rows) {
    const h = 40;
    doc.rect(M, y, labelW, h).fill(GREEN_TINT);
    doc.rect(M, y, tableW, h).lineWidth(1).stroke(GREEN);
    doc
      .font('bold')
      .fontSize(13)
      .fillColor(GREEN)
      .text(label, M + 10, y + 13, { width: labelW - 20 });
    doc
      .font('regular')
      .fontSize(13)
      .fillColor(INK)
      .text(value, M + labelW + 12, y + 13, { width: tableW - labelW - 24, height: h - 14, ellipsis: true });
    y += h;
  }
  // The QR of the signed token.
  const qr = encodeQr(token, { ecc: 'M', border: 0 });
  const size = 190;
  const module = size / qr.size;
  const qx = (W - size) / 2;
  const qy = y + 30;
  qr.data.forEach((row, r) =>
    row.forEach((dark, c) => {
      if (dark) doc.rect(qx + c * module, qy + r * module, module + 0.02, module + 0.02);
    }),
  );
  doc.fill('#000000');
  doc
    .font('regular')
    .fontSize(11)
    .fillColor(MUTED)
    .text('卡口扫码核验（可离线核验签名）；纸质与电子通行证同等有效。', M, qy + size + 14, {
      width: tableW,
      align: 'center',
    })
    .text('本证仅限上述车辆在有效期内按所列起讫点通行，不得转借、涂改。', M, qy + size + 32, {
      width: tableW,
      align: 'center',
    });
  doc.end();
  return done;
}
