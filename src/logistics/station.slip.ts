// The hand-over slip (交接单) of a vehicle's visit to a transfer station, in triplicate on one A4 page
// (station's stub, carrier's copy, receiver's copy), cut along the dashed lines: vehicle, crew and
// their tests, relay driver, hand-over, seal, route, and each step stamped with its time and who.
import PDFDocument from 'pdfkit';
import type { StationVisitTable, TransferStationTable } from '../db/database.ts';
import { posterFonts } from '../venues/venue.poster.ts';
import type { CrewMember, Step } from './trips.rules.ts';
import type { VisitView } from './stations.schema.ts';

const COPIES = ['第一联 中转站存根', '第二联 承运方', '第三联 接收方'] as const;
const HANDOVER_WORDS: Record<string, string> = { unload: '卸货', trailer_swap: '甩挂', relay: '接驳' };
const ANTIGEN_WORDS: Record<string, string> = { negative: '抗原阴性', positive: '抗原阳性' };
const STATE_WORDS: Record<string, string> = {
  inside: '车内',
  resting: '单间休息',
  isolated: '隔离转运',
  relieved: '已换驾',
};

export function slipFileName(v: StationVisitTable): string {
  return `handover-slip-${v.id}.pdf`;
}

function time(ms: number, timeZone: string): string {
  return new Intl.DateTimeFormat('zh-CN', {
    timeZone,
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(ms);
}

export function renderSlipPdf(
  visit: StationVisitTable,
  station: TransferStationTable,
  steps: VisitView['steps'],
  stepWords: Record<Step, string>,
  timeZone: string,
  fontFile: string | undefined,
): Promise<Buffer> {
  const fonts = posterFonts(fontFile);
  const doc = new PDFDocument({ size: 'A4', margin: 0, info: { Title: `交接单 ${visit.plate}`, Author: 'Cordon' } });
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
  const H = 841.89;
  const M = 36;
  const part = H / 3;
  const crew = JSON.parse(visit.crew) as CrewMember[];
  const crewLine = crew
    .map((c) => `${c.name}（${c.antigen ? ANTIGEN_WORDS[c.antigen] : '未检'}，${STATE_WORDS[c.state] ?? c.state}）`)
    .join('；');
  const stepLine = steps.map((x) => `${stepWords[x.step]} ${time(x.at, timeZone)} ${x.by}`).join('  ·  ');
  COPIES.forEach((copy, i) => {
    const top = i * part + 20;
    if (i > 0) {
      doc
        .moveTo(12, i * part)
        .lineTo(W - 12, i * part)
        .dash(4, { space: 4 })
        .lineWidth(0.6)
        .stroke('#888888')
        .undash();
    }
    doc
      .font('bold')
      .fontSize(15)
      .fillColor('#1d2327')
      .text(`${station.name} 货物交接单`, M, top, { width: W - 2 * M });
    doc
      .font('regular')
      .fontSize(9)
      .fillColor('#5b6670')
      .text(copy, M, top + 3, { width: W - 2 * M, align: 'right' });
    const lines: Array<[string, string]> = [
      ['车牌号码', `${visit.plate}${Number(visit.on_list) === 1 ? '' : '（不在到达清单）'}`],
      ['车组人员', crewLine || '—'],
      ['接驳司机', visit.relay_driver ?? '—'],
      ['交接方式', visit.handover ? (HANDOVER_WORDS[visit.handover] ?? visit.handover) : '—'],
      ['封条编号', visit.seal_number ?? '—'],
      ['指定路线', visit.route ?? '—'],
      ['流程记录', stepLine || '—'],
    ];
    let y = top + 26;
    for (const [label, value] of lines) {
      doc.font('bold').fontSize(10).fillColor('#1d2327').text(label, M, y, { width: 64 });
      doc
        .font('regular')
        .fontSize(10)
        .text(value, M + 70, y, { width: W - 2 * M - 70, height: label === '流程记录' ? 56 : 14, ellipsis: true });
      y += label === '流程记录' ? 58 : 17;
    }
    doc
      .font('regular')
      .fontSize(10)
      .text('交货人签字：__________    接收人签字：__________    中转站经办：__________', M, top + part - 52, {
        width: W - 2 * M,
      });
  });
  doc.end();
  return done;
}
