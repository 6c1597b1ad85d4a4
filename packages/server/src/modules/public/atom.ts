import type { PublicEntry } from './entries.js';

/** XML 1.0 text: escape markup and drop characters XML cannot carry at all. */
export function escapeXml(s: string): string {
  return s
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/[&<>"']/g, (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' }[c]};`);
}

/** An RFC 4287 feed of published statements and readouts; entry ids are the permanent urn:uuid of each text. */
export function atomFeed(entries: PublicEntry[], base: string): string {
  const updated = entries.length ? entries[0]!.publishedAt : new Date(0);
  const x = escapeXml;
  const items = entries.map(
    (e) => `  <entry>
    <id>urn:uuid:${e.id}</id>
    <title type="text">${x(e.title)}</title>
    <updated>${e.publishedAt.toISOString()}</updated>
    <published>${e.publishedAt.toISOString()}</published>
    <link rel="alternate" type="text/html" href="${x(`${base}/statements/${e.id}`)}"/>
    <link rel="enclosure" type="application/pdf" href="${x(`${base}/statements/${e.id}.pdf`)}"/>
    <author><name>${x(e.kind === 'joint' ? e.groupName : (e.sides[0]?.name ?? e.groupName))}</name></author>
    <category term="${e.kind === 'joint' ? 'joint-statement' : 'readout'}"/>
    <summary type="text">${x(`${e.byline} — ${e.groupName}`)}</summary>
    <content type="text">${x(e.text)}</content>
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
