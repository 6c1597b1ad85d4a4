import { languageDirection } from '@parley/protocol';
import PDFDocument from 'pdfkit';
import type { PublicEntry } from './entries.js';
import { formatDate, languageName } from './html.js';
import { ParagraphSetter, type ParagraphStyle } from './pdf-text.js';

const INK = '#1d2330';
const MUTED = '#5b6475';

const paragraphsOf = (text: string) =>
  text
    .split(/\n\s*\n/)
    .map((s) => s.trim())
    .filter(Boolean);

/**
 * A printable copy of one published text, in any script: every character is set in an embedded Unicode font
 * (see pdf-fonts.ts) and right-to-left paragraphs are laid out by the bidi algorithm (see pdf-text.ts). A text in
 * two languages prints the first, then the second under its language's name. `compress: false` lets tests read
 * the page content.
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
    lang: e.language,
    displayTitle: true,
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const width = doc.page.width - 144;
  const set = new ParagraphSetter(doc, 72, width);
  const meta: ParagraphStyle = { size: 10, weight: 400, color: MUTED, lineGap: 0, fallbackDirection: 'ltr' };

  set.paragraph(e.kind === 'joint' ? 'JOINT STATEMENT' : 'READOUT', { ...meta, size: 9, weight: 700, lang: 'en' });
  doc.moveDown(0.4);
  const titleLang = e.kind === 'readout' ? e.language : 'en';
  set.paragraph(e.title, {
    size: 20,
    weight: 700,
    color: INK,
    lineGap: 2,
    fallbackDirection: languageDirection(titleLang),
    lang: titleLang,
  });
  doc.moveDown(0.3);
  set.paragraph(`${formatDate(e.publishedAt)} · ${e.groupName}`, meta);
  if (e.meeting) set.paragraph(`${e.meeting.title}, ${formatDate(e.meeting.startsAt)}`, meta);
  set.paragraph(e.sides.map((s) => s.name).join(' · '), meta);
  doc.moveDown(0.5);
  const rule = () => {
    const y = doc.y;
    doc
      .moveTo(72, y)
      .lineTo(72 + width, y)
      .lineWidth(0.5)
      .strokeColor('#d9dde5')
      .stroke();
    doc.moveDown(1);
  };
  rule();

  const body = (language: string, text: string) => {
    const style: ParagraphStyle = {
      size: 12,
      weight: 400,
      color: INK,
      lineGap: 3,
      fallbackDirection: languageDirection(language),
      lang: language,
    };
    for (const p of paragraphsOf(text)) {
      set.paragraph(p, style);
      doc.moveDown(0.6);
    }
  };
  if (e.second) {
    const label = (language: string) =>
      set.paragraph(languageName(language).toUpperCase(), { ...meta, size: 8, weight: 700, lang: 'en' });
    label(e.language);
    doc.moveDown(0.3);
    body(e.language, e.text);
    rule();
    label(e.second.language);
    doc.moveDown(0.3);
    body(e.second.language, e.second.text);
  } else body(e.language, e.text);
  set.finish();
  doc.end();
  return done;
}
