import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../../..');

/** Debian's poppler-utils reads PDFs as readers' tools do; the project's own script installs it when missing. */
function ensurePoppler(): void {
  if (existsSync('/usr/bin/pdftotext') && existsSync('/usr/bin/pdftoppm')) return;
  execFileSync('node', [path.join(repoRoot, 'scripts/ensure-system.mjs'), 'poppler-utils'], { stdio: 'inherit' });
}

function withFile<T>(pdf: Buffer, f: (file: string, dir: string) => T): T {
  ensurePoppler();
  const dir = mkdtempSync(path.join(tmpdir(), 'parley-pdf-'));
  try {
    const file = path.join(dir, 'doc.pdf');
    writeFileSync(file, pdf);
    return f(file, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The PDF's text layer as pdftotext extracts it. pdftotext wraps right-to-left stretches in embedding marks
 * (U+202B … U+202C) around text in logical order; the marks are dropped here.
 */
export function pdfText(pdf: Buffer): string {
  return withFile(pdf, (file) =>
    execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' }).replace(/[\u202a-\u202e]/g, ''),
  );
}

/** Every word pdftotext finds, with its box in points from the page's top left corner. */
export function pdfWords(pdf: Buffer): { word: string; xMin: number; xMax: number }[] {
  const html = withFile(pdf, (file) =>
    execFileSync('pdftotext', ['-bbox', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' }),
  );
  return [...html.matchAll(/<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)<\/word>/g)].map(
    (m) => ({ word: m[3]!, xMin: Number(m[1]), xMax: Number(m[2]) }),
  );
}

/** The first page as a PNG (pdftoppm), for a person to look at. */
export function pdfPagePng(pdf: Buffer, out: string, dpi = 110): void {
  withFile(pdf, (file, dir) => {
    execFileSync('pdftoppm', ['-png', '-r', String(dpi), '-f', '1', '-l', '1', file, path.join(dir, 'page')]);
    const png = readdirSync(dir).find((n) => n.endsWith('.png'));
    if (!png) throw new Error('pdftoppm wrote no page');
    copyFileSync(path.join(dir, png), out);
  });
}
