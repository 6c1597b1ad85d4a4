import { describe, expect, it } from 'vitest';
import type { PublicEntry } from './entries.js';
import { renderPdf } from './pdf.js';
import { pdfText, pdfWords } from './test-support/poppler.js';

const entry = (text: string, language: string): PublicEntry => ({
  id: '00000000-0000-4000-8000-000000000001',
  kind: 'readout',
  title: 'Readout',
  byline: 'Readout by Side A',
  groupName: 'Test Group',
  sides: [],
  publishedAt: new Date('2026-12-02T10:00:00Z'),
  meeting: null,
  text,
  language,
  second: null,
});

const words = (s: string) => s.split(/[\s\p{P}]+/u).filter(Boolean);
/**
 * pdftotext moves the space beside a number inside right-to-left text to the number's other side ("12 במאי"
 * comes out as " 12במאי"), so letters are compared here with the numbers taken out.
 */
const letterWords = (s: string) => words(s.replace(/\d+/g, ' '));

describe('PDF text setting', () => {
  it('wraps long right-to-left paragraphs over several lines and keeps every word, in reading order', async () => {
    const he = Array.from({ length: 12 }, (_, i) => `משפט ${i + 1} של ההצהרה המשותפת על שיתוף פעולה.`).join(' ');
    const ar = Array.from({ length: 10 }, () => 'اتفق الجانبان على متابعة المحادثات بين الوفدين.').join(' ');
    for (const [text, language] of [
      [he, 'he'],
      [ar, 'ar'],
    ] as const) {
      const out = pdfText(await renderPdf(entry(text, language)));
      const body = out.slice(out.indexOf(words(text)[0]!));
      // Several lines, each right to left; read line after line, the words come in the order written.
      expect(body.trim().split('\n').filter(Boolean).length).toBeGreaterThan(2);
      expect(letterWords(body).slice(0, letterWords(text).length)).toEqual(letterWords(text));
    }
  });

  it('keeps numbers whole inside right-to-left text', async () => {
    const out = pdfText(await renderPdf(entry('הפגישה ביום 12 במאי 2026 הסתיימה.', 'he')));
    expect(letterWords(out)).toEqual(expect.arrayContaining(['הפגישה', 'ביום', 'במאי', 'הסתיימה']));
    expect(out).toMatch(/(^|\D)12(\D|$)/);
    expect(out).toMatch(/(^|\D)2026(\D|$)/);
  });

  it('breaks a word wider than the line between characters instead of running off the page', async () => {
    const url = `https://example.org/${'statements/fourth-round/'.repeat(8)}annex`;
    const pdf = await renderPdf(entry(`See ${url} for the annex.`, 'en'));
    // A4 is 595 points wide, with 72-point margins.
    for (const w of pdfWords(pdf)) expect(w.xMax, w.word).toBeLessThanOrEqual(595.28 - 72 + 0.5);
    const out = pdfText(pdf);
    const body = out.slice(out.indexOf('See'));
    expect(body.trim().split('\n').filter(Boolean).length).toBeGreaterThan(1);
    expect(body.replace(/\s+/g, '')).toContain(`See${url}fortheannex.`);
  });
});
