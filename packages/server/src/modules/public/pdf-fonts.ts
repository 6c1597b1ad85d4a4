import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * The Unicode fonts a printed statement is set in: Noto Sans (Latin with its diacritics, Cyrillic, Greek), Noto
 * Sans Hebrew and IBM Plex Sans Arabic, all SIL Open Font License 1.1, from the @fontsource npm packages so that a
 * production install needs no system fonts. Fontsource splits each font into subsets by Unicode range (its
 * unicode.json); every subset file is one face here, and each character is set in the first face covering it.
 */
export type Weight = 400 | 700;

export interface Face {
  /** The name the face is registered under in a PDF document. */
  name: string;
  file: string;
  ranges: [number, number][];
  /** A right-to-left script's face: its glyphs are only ever drawn in right-to-left runs. */
  rtl: boolean;
}

const FAMILIES = [
  {
    pkg: '@fontsource/noto-sans',
    stem: 'noto-sans',
    subsets: ['latin', 'latin-ext', 'cyrillic', 'cyrillic-ext', 'greek', 'greek-ext', 'vietnamese'],
    rtl: false,
  },
  { pkg: '@fontsource/noto-sans-hebrew', stem: 'noto-sans-hebrew', subsets: ['hebrew'], rtl: true },
  // Noto Sans Arabic builds letters from dotless bases plus dot marks, so one glyph would stand for several
  // letters in the text layer; IBM Plex Sans Arabic has a glyph per letter form and extracts letter for letter.
  { pkg: '@fontsource/ibm-plex-sans-arabic', stem: 'ibm-plex-sans-arabic', subsets: ['arabic'], rtl: true },
];

const require = createRequire(import.meta.url);

function parseRanges(spec: string): [number, number][] {
  return spec.split(',').map((part) => {
    const [a, b] = part.trim().replace(/^U\+/i, '').split('-');
    const lo = Number.parseInt(a!, 16);
    return [lo, b ? Number.parseInt(b, 16) : lo];
  });
}

function loadFaces(weight: Weight): Face[] {
  const faces: Face[] = [];
  for (const f of FAMILIES) {
    const fileOf = (subset: string) => require.resolve(`${f.pkg}/files/${f.stem}-${subset}-${weight}-normal.woff`);
    const unicode = JSON.parse(
      readFileSync(path.join(path.dirname(fileOf(f.subsets[0]!)), '..', 'unicode.json'), 'utf8'),
    ) as Record<string, string>;
    for (const subset of f.subsets) {
      const spec = unicode[subset];
      if (!spec) throw new Error(`${f.pkg} has no subset ${subset}`);
      faces.push({
        name: `${f.stem}-${subset}-${weight}`,
        file: fileOf(subset),
        ranges: parseRanges(spec),
        rtl: f.rtl,
      });
    }
  }
  return faces;
}

const cache = new Map<Weight, Face[]>();

export function facesOf(weight: Weight): Face[] {
  let faces = cache.get(weight);
  if (!faces) {
    faces = loadFaces(weight);
    cache.set(weight, faces);
  }
  return faces;
}

export const covers = (face: Face, cp: number) => face.ranges.some(([lo, hi]) => cp >= lo && cp <= hi);

/** Letters and digits choose their face; spaces, punctuation and marks stay in the face of what precedes them. */
const CHOOSES = /[\p{L}\p{N}]/u;

/**
 * The face of every UTF-16 unit of `text` (both halves of a surrogate pair share one). A character no face
 * covers falls back to the first face, which prints it as a missing-glyph box rather than dropping it.
 */
export function faceRuns(text: string, faces: Face[]): Face[] {
  const out: Face[] = [];
  let prev: Face | undefined;
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    const face =
      (prev && !CHOOSES.test(ch) && covers(prev, cp) ? prev : faces.find((f) => covers(f, cp))) ?? prev ?? faces[0]!;
    for (let i = 0; i < ch.length; i++) out.push(face);
    prev = face;
  }
  return out;
}
