import bidiModule from 'bidi-js';
import type { Face, Weight } from './pdf-fonts.js';
import { faceRuns, facesOf } from './pdf-fonts.js';

/**
 * Sets paragraphs of any script in a pdfkit document. pdfkit lays text out left to right and has no bidi
 * algorithm, so each line is broken here, reordered with the Unicode Bidirectional Algorithm (bidi-js), split into
 * runs of one face and one direction, and each run is drawn at its visual position. Shaping (Arabic joining,
 * ligatures, marks) is fontkit's, through pdfkit, from the fonts' OpenType tables; fontkit also reverses the glyphs
 * of a right-to-left script, so such runs are handed over in logical order.
 */
// bidi-js is CommonJS whose module.exports is the factory; its types describe an ES default export.
const bidiFactory = (typeof bidiModule === 'function' ? bidiModule : bidiModule.default) as typeof bidiModule.default;
const bidi = bidiFactory();

export type Direction = 'ltr' | 'rtl';

export interface ParagraphStyle {
  size: number;
  weight: Weight;
  color: string;
  /** Extra space between lines, in points. */
  lineGap: number;
  /** Direction when the paragraph has no strong character of its own. */
  fallbackDirection: Direction;
  /** BCP 47 tag of the paragraph's language, written into the text layer for readers and extraction. */
  lang?: string | undefined;
}

/** Faces are registered on first use; pdfkit parses each font file once per document. */
function useFace(doc: PDFKit.PDFDocument, face: Face, size: number) {
  const registered = (doc as unknown as { _registeredFonts: Record<string, unknown> })._registeredFonts;
  if (!registered[face.name]) doc.registerFont(face.name, face.file);
  doc.font(face.name).fontSize(size);
}

/** Like HTML's dir="auto": the first strong character decides. */
export function paragraphDirection(text: string, fallback: Direction): Direction {
  for (const ch of text) {
    const t = bidi.getBidiCharTypeName(ch);
    if (t === 'L') return 'ltr';
    if (t === 'R' || t === 'AL') return 'rtl';
  }
  return fallback;
}

const STRONG_RTL = /[\p{Script=Hebrew}\p{Script=Arabic}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}]/u;

interface Run {
  face: Face;
  /** The string handed to pdfkit: logical order when fontkit reverses it itself, else visual order. */
  text: string;
  width: number;
}

export class ParagraphSetter {
  constructor(
    private readonly doc: PDFKit.PDFDocument,
    private readonly x: number,
    private readonly width: number,
  ) {}

  private readonly rtlFaces = new Set<string>();

  /**
   * Call before doc.end(). Text extractors such as pdftotext read a right-to-left line in drawing order and
   * reverse it character by character, ligatures included: a lam-alef ligature mapped to its logical "لا" would
   * come out as "ال". Mapping such multi-letter glyphs of right-to-left faces in drawing order makes the words
   * come out whole and in logical order.
   */
  finish(): void {
    const fonts = (this.doc as unknown as { _fontFamilies: Record<string, { unicode?: number[][] }> })._fontFamilies;
    for (const name of this.rtlFaces) {
      const unicode = fonts[name]?.unicode;
      if (!unicode) continue;
      for (let gid = 0; gid < unicode.length; gid++) {
        const cps = unicode[gid];
        if (cps && cps.length > 1) unicode[gid] = [...cps].reverse();
      }
    }
  }

  private measure(face: Face, size: number, text: string): number {
    useFace(this.doc, face, size);
    // features: [] makes pdfkit shape the run as a whole instead of word by word, here and when drawing.
    return this.doc.widthOfString(text, { features: [] });
  }

  /** Width of text[a, b) set in the faces chosen for it, face by face. */
  private widthOf(text: string, faces: Face[], a: number, b: number, size: number): number {
    let w = 0;
    let s = a;
    for (let i = a + 1; i <= b; i++) {
      if (i === b || faces[i] !== faces[s]) {
        w += this.measure(faces[s]!, size, text.slice(s, i));
        s = i;
      }
    }
    return w;
  }

  /** Breaks at spaces, and a word wider than a line (a long address) between characters. Returns [start, end). */
  private lines(text: string, faces: Face[], size: number): [number, number][] {
    const words: [number, number][] = []; // start and end of each word, without the spaces after it
    for (const m of text.matchAll(/[^ ]+ */g)) {
      const end = m.index + m[0].trimEnd().length;
      if (this.widthOf(text, faces, m.index, end, size) <= this.width) {
        words.push([m.index, end]);
        continue;
      }
      let from = m.index;
      for (const { index, segment } of new Intl.Segmenter().segment(text.slice(m.index, end))) {
        const at = m.index + index;
        if (at > from && this.widthOf(text, faces, from, at + segment.length, size) > this.width) {
          words.push([from, at]);
          from = at;
        }
      }
      words.push([from, end]);
    }
    const out: [number, number][] = [];
    let start = -1;
    let lineWidth = 0;
    let lastEnd = 0;
    for (const [ws, we] of words) {
      const w = this.widthOf(text, faces, ws, we, size);
      const gap = start < 0 ? 0 : this.widthOf(text, faces, lastEnd, ws, size);
      if (start >= 0 && lineWidth + gap + w > this.width) {
        out.push([start, lastEnd]);
        start = -1;
      }
      if (start < 0) {
        start = ws;
        lineWidth = w;
      } else lineWidth += gap + w;
      lastEnd = we;
    }
    if (start >= 0) out.push([start, lastEnd]);
    return out;
  }

  /** The runs of text[start, end) in visual order, left to right. */
  private visualRuns(
    text: string,
    faces: Face[],
    levels: ReturnType<typeof bidi.getEmbeddingLevels>,
    start: number,
    end: number,
    size: number,
  ): Run[] {
    const order = Array.from({ length: end - start }, (_, i) => start + i);
    for (const range of bidi.getReorderSegments(text, levels, start, end - 1)) {
      const [a, b] = range as [number, number];
      const flipped = order.slice(a - start, b - start + 1).reverse();
      order.splice(a - start, flipped.length, ...flipped);
    }
    const mirrored = bidi.getMirroredCharactersMap(text, levels.levels, start, end - 1);
    const runs: Run[] = [];
    let i = 0;
    while (i < order.length) {
      const first = order[i]!;
      const level = levels.levels[first]!;
      const rtl = level % 2 === 1;
      let j = i + 1;
      while (
        j < order.length &&
        faces[order[j]!] === faces[first] &&
        levels.levels[order[j]!] === level &&
        order[j]! === order[j - 1]! + (rtl ? -1 : 1)
      )
        j++;
      const idx = order.slice(i, j);
      const logical = (rtl ? [...idx].reverse() : idx).map((k) => mirrored.get(k) ?? text[k]!).join('');
      // fontkit reverses the glyphs of a run whose script is right to left (Arabic-Indic digits count as
      // Arabic): hand it the logical text of a right-to-left run, and pre-reverse whatever it would get wrong
      // (a right-to-left run of neutrals alone, a left-to-right run of Arabic-Indic digits).
      const fontkitReverses = STRONG_RTL.test(logical);
      const handed = rtl !== fontkitReverses ? [...logical].reverse().join('') : logical;
      runs.push({ face: faces[first]!, text: handed, width: this.measure(faces[first]!, size, handed) });
      i = j;
    }
    return runs;
  }

  /** Sets one paragraph from the document's current y; leaves y below it. */
  paragraph(raw: string, style: ParagraphStyle): void {
    const doc = this.doc;
    const text = raw.normalize('NFC').replace(/[\t\r\n]+/g, ' ');
    if (!text.trim()) return;
    const dir = paragraphDirection(text, style.fallbackDirection);
    const levels = bidi.getEmbeddingLevels(text, dir);
    const faces = faceRuns(text, facesOf(style.weight));
    const lineHeight = style.size * 1.45 + style.lineGap;
    if (style.lang) doc.markContent('Span', { lang: style.lang });
    for (const [start, end] of this.lines(text, faces, style.size)) {
      if (doc.y + lineHeight > doc.page.height - doc.page.margins.bottom) doc.addPage();
      const runs = this.visualRuns(text, faces, levels, start, end, style.size);
      const total = runs.reduce((s, r) => s + r.width, 0);
      let cx = dir === 'rtl' ? this.x + this.width - total : this.x;
      const baseline = doc.y + style.size * 1.1;
      for (const r of runs) {
        useFace(doc, r.face, style.size);
        if (r.face.rtl) this.rtlFaces.add(r.face.name);
        doc
          .fillColor(style.color)
          .text(r.text, cx, baseline, { lineBreak: false, baseline: 'alphabetic', features: [] });
        cx += r.width;
      }
      doc.y = baseline - style.size * 1.1 + lineHeight;
    }
    if (style.lang) doc.endMarkedContent();
    doc.x = this.x;
  }
}
