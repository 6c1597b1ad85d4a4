import { languageDirection } from '@parley/protocol';
import type { PublicEntry } from './entries.js';
import { paragraphs } from './html.js';

/** Drops characters XML 1.0 cannot carry at all. */
const xmlChars = (s: string) => s.replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '');

/** XML 1.0 text: escape markup and drop characters XML cannot carry at all. */
export function escapeXml(s: string): string {
  return xmlChars(s).replace(
    /[&<>"']/g,
    (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' }[c]};`,
  );
}

/**
 * A text in one language is plain text under the entry's xml:lang. A text in two languages is XHTML with one
 * block per language, each with its own xml:lang and dir (Atom has one content element per entry).
 */
function content(e: PublicEntry): string {
  if (!e.second) return `<content type="text">${escapeXml(e.text)}</content>`;
  const block = (language: string, text: string) =>
    `<div xml:lang="${escapeXml(language)}" dir="${languageDirection(language)}">${paragraphs(xmlChars(text)).replaceAll('<br>', '<br/>')}</div>`;
  return `<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">${block(e.language, e.text)}${block(e.second.language, e.second.text)}</div></content>`;
}

/** An RFC 4287 feed of published statements and readouts; entry ids are the permanent urn:uuid of each text. */
export function atomFeed(entries: PublicEntry[], base: string): string {
  const updated = entries.length ? entries[0]!.publishedAt : new Date(0);
  const x = escapeXml;
  const items = entries.map(
    (e) => `  <entry xml:lang="${x(e.language)}">
    <id>urn:uuid:${e.id}</id>
    <title type="text"${e.kind === 'joint' ? ' xml:lang="en"' : ''}>${x(e.title)}</title>
    <updated>${e.publishedAt.toISOString()}</updated>
    <published>${e.publishedAt.toISOString()}</published>
    <link rel="alternate" type="text/html" href="${x(`${base}/statements/${e.id}`)}"/>
    <link rel="enclosure" type="application/pdf" href="${x(`${base}/statements/${e.id}.pdf`)}"/>
    <author><name>${x(e.kind === 'joint' ? e.groupName : (e.sides[0]?.name ?? e.groupName))}</name></author>
    <category term="${e.kind === 'joint' ? 'joint-statement' : 'readout'}"/>
    <summary type="text" xml:lang="en">${x(`${e.byline} — ${e.groupName}`)}</summary>
    ${content(e)}
  </entry>`,
  );
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">
  <id>${x(`${base}/statements`)}</id>
  <title type="text">Published statements</title>
  <subtitle type="text">Joint statements and readouts published through Parley</subtitle>
  <updated>${updated.toISOString()}</updated>
  <link rel="self" type="application/atom+xml" href="${x(`${base}/statements/feed.atom`)}"/>
  <link rel="alternate" type="text/html" href="${x(`${base}/statements`)}"/>
  <author><name>Parley</name></author>
  <generator>Parley</generator>
${items.join('\n')}
</feed>
`;
}
