import { languageDirection } from '@parley/protocol';
import type { PublicEntry } from './entries.js';

/** Escapes text for HTML element content and double-quoted attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": '#39' }[c]};`);
}

const dateFmt = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
export const formatDate = (d: Date) => dateFmt.format(d);

/**
 * Blank lines separate paragraphs; single line breaks stay line breaks. Each paragraph takes its direction from
 * its own first strong letter (dir="auto"), so a Hebrew paragraph inside an English statement still reads right
 * to left; the text's language and direction sit on the block around them (see textBlock).
 */
export function paragraphs(text: string): string {
  return text
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => `<p dir="auto">${p.split('\n').map(escapeHtml).join('<br>')}</p>`)
    .join('\n');
}

const languageNames = new Intl.DisplayNames(['en'], { type: 'language', fallback: 'code' });
export const languageName = (tag: string) => languageNames.of(tag) ?? tag;

/** One language's text: `lang` for fonts, hyphenation and screen readers, `dir` from the language's script. */
const textBlock = (language: string, text: string, label: boolean) =>
  `<section class="text" lang="${escapeHtml(language)}" dir="${languageDirection(language)}">${
    label ? `<p class="language" lang="en" dir="ltr">${escapeHtml(languageName(language))}</p>\n` : ''
  }${paragraphs(text)}</section>`;

/** The text, and beside it (below it on a narrow screen) the same text in a second language. */
export function texts(e: Pick<PublicEntry, 'language' | 'text' | 'second'>): string {
  if (!e.second) return textBlock(e.language, e.text, false);
  return `<div class="bilingual">\n${textBlock(e.language, e.text, true)}\n${textBlock(e.second.language, e.second.text, true)}\n</div>`;
}

const STYLE = `
:root{color-scheme:light dark;--ink:#1d2330;--muted:#5b6475;--rule:#d9dde5;--bg:#fbfbf8;--accent:#234a8a}
@media (prefers-color-scheme:dark){:root{--ink:#e6e8ee;--muted:#a3abbb;--rule:#39404d;--bg:#151820;--accent:#8fb1ea}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--ink);font:1.0625rem/1.65 Georgia,'Iowan Old Style','Palatino Linotype','Noto Serif','DejaVu Serif','Noto Serif Hebrew','David Libre','Times New Roman','Noto Naskh Arabic','Noto Sans Arabic','Geeza Pro','Arial',serif}
.text:lang(ar),.text:lang(fa),.text:lang(ur){font-family:'Noto Naskh Arabic','Noto Sans Arabic','IBM Plex Sans Arabic','Geeza Pro','Segoe UI','Arial',sans-serif;line-height:1.9}
.text:lang(he),.text:lang(yi){font-family:'Noto Serif Hebrew','Noto Sans Hebrew','David Libre','Arial Hebrew','Times New Roman','Arial',serif}
.bilingual{display:grid;grid-template-columns:1fr 1fr;gap:2rem}
@media (max-width:48rem){.bilingual{grid-template-columns:1fr;gap:0}}
p.language{font:600 .75rem/1 system-ui,sans-serif;text-transform:uppercase;letter-spacing:.08em;color:var(--muted);margin:0 0 .75rem}
header.site,footer{max-width:42rem;margin:0 auto;padding:0 1.25rem}
main{max-width:42rem;margin:0 auto;padding:0 1.25rem}
body:has(.bilingual) :is(header.site,main,footer){max-width:64rem}
header.site{padding-top:2rem;display:flex;justify-content:space-between;align-items:baseline;border-bottom:1px solid var(--rule)}
header.site a{color:var(--ink);text-decoration:none;font:600 1rem/1 system-ui,sans-serif;letter-spacing:.04em;text-transform:uppercase}
header.site nav a{font-weight:400;text-transform:none;color:var(--accent);margin-inline-start:1rem}
h1{font-size:1.9rem;line-height:1.25;margin:2rem 0 .5rem;font-weight:600}
h2{font-size:1.3rem;line-height:1.3;margin:0 0 .25rem;font-weight:600}
h2 a{color:var(--ink);text-decoration:none}h2 a:hover{text-decoration:underline}
.meta{font:.875rem/1.5 system-ui,sans-serif;color:var(--muted);margin:0 0 1rem}
.kind{display:inline-block;font:600 .7rem/1 system-ui,sans-serif;text-transform:uppercase;letter-spacing:.08em;padding:.3em .55em;border:1px solid var(--rule);border-radius:3px;margin-inline-end:.5em}
.side{display:inline-block;width:.7em;height:.7em;border-radius:50%;margin-block:0;margin-inline:.1em .3em;vertical-align:baseline}
ol.entries{list-style:none;padding:0;margin:1.5rem 0}
ol.entries li{padding:1.25rem 0;border-bottom:1px solid var(--rule)}
ol.entries p.excerpt{margin:.25rem 0 0}
article p{margin:0 0 1.1em;hyphens:auto}
.actions{font:.9rem/1.5 system-ui,sans-serif;margin:2rem 0}
.actions a{color:var(--accent)}
footer{font:.8rem/1.5 system-ui,sans-serif;color:var(--muted);padding:2rem 1.25rem 3rem}
`;

function layout(title: string, body: string, base: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<link rel="alternate" type="application/atom+xml" title="Published statements" href="${escapeHtml(base)}/statements/feed.atom">
<style>${STYLE}</style>
</head>
<body>
<header class="site"><a href="/statements">Published statements</a><nav><a href="/statements/feed.atom">Atom feed</a></nav></header>
<main>
${body}
</main>
<footer>Published through Parley. A joint statement appears here once a chair of every side has approved its exact text; a readout once a chair of its side has published it.</footer>
</body>
</html>
`;
}

function meta(e: PublicEntry): string {
  const sides = e.sides
    .map(
      (s) =>
        `<span class="side" style="background:${escapeHtml(s.colour)}" aria-hidden="true"></span>${escapeHtml(s.name)}`,
    )
    .join(' · ');
  const meeting = e.meeting ? ` · ${escapeHtml(e.meeting.title)} (${formatDate(e.meeting.startsAt)})` : '';
  return `<p class="meta"><span class="kind">${e.kind === 'joint' ? 'Joint statement' : 'Readout'}</span><time datetime="${e.publishedAt.toISOString()}">${formatDate(e.publishedAt)}</time> · ${escapeHtml(e.groupName)}${meeting}<br>${sides}</p>`;
}

/** A readout's title is written in its text's language; a joint statement's title is the page's own (English). */
const titleLang = (e: PublicEntry) => (e.kind === 'readout' ? ` lang="${escapeHtml(e.language)}"` : '');

function excerpt(text: string): string {
  const first = text.trim().split(/\n\s*\n/)[0] ?? '';
  return first.length > 280 ? `${first.slice(0, 277).trimEnd()}…` : first;
}

export function listPage(entries: PublicEntry[], base: string): string {
  const items = entries.length
    ? `<ol class="entries">\n${entries
        .map(
          (e) =>
            `<li><h2 dir="auto"${titleLang(e)}><a href="/statements/${e.id}">${escapeHtml(e.title)}</a></h2>${meta(e)}<p class="excerpt" lang="${escapeHtml(e.language)}" dir="auto">${escapeHtml(excerpt(e.text))}</p></li>`,
        )
        .join('\n')}\n</ol>`
    : '<p>Nothing has been published yet.</p>';
  return layout('Published statements', `<h1>Published statements</h1>\n${items}`, base);
}

export function entryPage(e: PublicEntry, base: string): string {
  const body = `<article>
<h1 dir="auto"${titleLang(e)}>${escapeHtml(e.title)}</h1>
${meta(e)}
<p class="meta">${escapeHtml(e.byline)}</p>
${texts(e)}
</article>
<p class="actions"><a href="/statements/${e.id}.pdf">Download as PDF</a> · <a href="/statements">All statements</a></p>`;
  return layout(e.title, body, base);
}
