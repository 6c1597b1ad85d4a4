import PDFDocument from 'pdfkit';
import type { PublicEntry } from './entries.js';
import { formatDate } from './html.js';

/**
 * A printable copy of one published text. The built-in PDF fonts need no font files; they cover Latin-1
 * (WinAnsi), which the fictional and most Western-European names fit. `compress: false` lets tests read the text.
 */
export function renderPdf(e: PublicEntry, opts: { compress?: boolean } = {}): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: 72, bottom: 72, left: 72, right: 72 },
    compress: opts.compress ?? true,
    info: {
      Title: e.title,
      Author: e.kind === 'joint' ? e.groupName : e.byline,
      Subject: `${e.kind === 'joint' ? 'Joint statement' : 'Readout'} — ${e.groupName}`,
      Creator: 'Parley',
      CreationDate: e.publishedAt,
    },
    lang: 'en',
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const width = doc.page.width - 144;
  doc.font('Helvetica-Bold').fontSize(9).fillColor('#5b6475');
  doc.text(e.kind === 'joint' ? 'JOINT STATEMENT' : 'READOUT', { characterSpacing: 1.2 });
  doc.moveDown(0.6);
  doc.font('Times-Bold').fontSize(20).fillColor('#1d2330').text(e.title, { width });
  doc.moveDown(0.4);
  doc.font('Helvetica').fontSize(10).fillColor('#5b6475');
  doc.text(`${formatDate(e.publishedAt)} · ${e.groupName}`, { width });
  if (e.meeting) doc.text(`${e.meeting.title}, ${formatDate(e.meeting.startsAt)}`, { width });
  doc.text(e.sides.map((s) => s.name).join(' · '), { width });
  doc.moveDown(0.5);
  const y = doc.y;
  doc
    .moveTo(72, y)
    .lineTo(72 + width, y)
    .lineWidth(0.5)
    .strokeColor('#d9dde5')
    .stroke();
  doc.moveDown(1);
  doc.font('Times-Roman').fontSize(12).fillColor('#1d2330');
  for (const p of e.text
    .split(/\n\s*\n/)
    .map((s) => s.trim())
    .filter(Boolean)) {
    doc.text(p, { width, align: 'left', lineGap: 3, paragraphGap: 9 });
  }
  doc.end();
  return done;
}
