import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test-support/app.js';
import { buildWorld, type World } from '../../test-support/world.js';
import {
  makeMeeting,
  makeReadout,
  makeStatement,
  publishedReadout,
  publishedStatement,
} from '../outcomes/test-support/fixtures.js';
import { publicEntries } from './entries.js';
import { pdfPagePng, pdfText } from './test-support/poppler.js';

let t: TestApp;
let w: World;
let joint: { id: string };
let readout: { id: string };
const JOINT = 'The Republic and the Commonwealth agreed on a shared objective <script>alert(1)</script> & more.';
const SECRETS = ['DRAFT-JOINT-TEXT', 'SIDE-ONLY-READOUT', 'UNPUBLISHED-B-READOUT'];

beforeAll(async () => {
  t = await createTestApp();
  w = await buildWorld(t.app, t.ctx);
  joint = await publishedStatement(w, `${JOINT}\n\nSecond paragraph: expert talks follow next week.`);
  readout = await publishedReadout(w, 'Side B met side A by secure video and listened to its concerns.');
  await makeStatement(w, 'DRAFT-JOINT-TEXT not approved yet');
  await makeReadout(w, 'memberA', 'SIDE-ONLY-READOUT of side A');
  await makeReadout(w, 'memberB', 'UNPUBLISHED-B-READOUT', (await makeMeeting(w)).id);
});
afterAll(() => t.close());

describe('public statements', () => {
  it('lists published texts newest first, escaped, without anything unpublished or side-only', async () => {
    const anon = await w.client('anonymous');
    const res = await anon.get('/statements');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    const html = res.body;
    expect(html.indexOf(`/statements/${readout.id}`)).toBeLessThan(html.indexOf(`/statements/${joint.id}`));
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; more.');
    expect(html).not.toContain('<script>');
    for (const s of SECRETS) expect(html).not.toContain(s);

    const page = await anon.get(`/statements/${joint.id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<h1 dir="auto">Joint statement of the Test Group</h1>');
    expect(page.body).toContain('<p dir="auto">Second paragraph: expert talks follow next week.</p>');
    expect(page.body).toContain('Side A and Side B');
    expect(page.body).not.toContain('<script>');
  });

  it('answers 404 for drafts and side-only readouts on every public surface', async () => {
    const anon = await w.client('anonymous');
    const draft = await makeStatement(w, 'DRAFT-JOINT-TEXT again');
    const sideOnly = await makeReadout(w, 'memberA', 'SIDE-ONLY-READOUT again');
    for (const id of [draft.id, sideOnly.id, '00000000-0000-4000-8000-000000000000']) {
      for (const url of [`/statements/${id}`, `/statements/${id}.pdf`]) {
        const res = await anon.get(url);
        expect(res.statusCode, url).toBe(404);
        for (const s of SECRETS) expect(res.body).not.toContain(s);
      }
    }
    expect((await anon.get('/statements/not-a-uuid')).statusCode).toBe(400);
  });

  it('serves a valid Atom feed with the required elements', async () => {
    const res = await (await w.client('anonymous')).get('/statements/feed.atom');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('application/atom+xml');
    expect(XMLValidator.validate(res.body)).toBe(true);
    for (const s of SECRETS) expect(res.body).not.toContain(s);
    const doc = new XMLParser({ ignoreAttributes: false, isArray: (name) => ['entry', 'link'].includes(name) }).parse(
      res.body,
    );
    const feed = doc.feed;
    expect(feed['@_xmlns']).toBe('http://www.w3.org/2005/Atom');
    expect(feed.id).toBe('http://127.0.0.1:8080/statements');
    expect(feed.title['#text']).toBe('Published statements');
    expect(new Date(feed.updated).toISOString()).toBe(feed.updated);
    expect(feed.author.name).toBe('Parley');
    expect(feed.link.map((l: Record<string, string>) => l['@_rel'])).toEqual(['self', 'alternate']);
    expect(feed.entry.map((e: { id: string }) => e.id)).toEqual([`urn:uuid:${readout.id}`, `urn:uuid:${joint.id}`]);
    // The feed's updated is the newest entry's.
    expect(feed.updated).toBe(feed.entry[0].updated);
    for (const e of feed.entry) {
      expect(e.id).toMatch(/^urn:uuid:[0-9a-f-]{36}$/);
      expect(e.title['#text']).toBeTruthy();
      expect(new Date(e.updated).toISOString()).toBe(e.updated);
      expect(e.link[0]).toMatchObject({
        '@_rel': 'alternate',
        '@_href': `http://127.0.0.1:8080/statements/${e.id.slice(9)}`,
      });
      expect(e.author.name).toBeTruthy();
      expect(e.content['@_type']).toBe('text');
    }
    const jointEntry = feed.entry[1];
    expect(jointEntry.author.name).toBe('Test Group');
    expect(jointEntry.content['#text']).toContain('<script>alert(1)</script> & more.');
  });

  it('renders a real PDF with the group, date, sides and full text', async () => {
    const res = await (await w.client('anonymous')).get(`/statements/${joint.id}.pdf`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    const pdf = res.rawPayload;
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.subarray(-6).toString('latin1')).toContain('%%EOF');
    expect(pdf.toString('latin1')).toMatch(/\/Type \/Page\b/);
    expect(pdf.toString('latin1')).toContain('(Joint statement of the Test Group)');

    const [entry] = await publicEntries(t.ctx.db, joint.id);
    const text = pdfText(pdf).replace(/\s+/g, ' ');
    expect(text).toContain('Joint statement of the Test Group');
    expect(text).toContain('Side A · Side B');
    expect(text).toContain(entry!.publishedAt.getUTCFullYear().toString());
    expect(text).toContain(`${JOINT} Second paragraph: expert talks follow next week.`.replace(/\s+/g, ' '));
  });

  it('prints Latin with diacritics, Hebrew, Arabic and Cyrillic with every word intact, in embedded fonts', async () => {
    const mixed = [
      'Ministar Kovač pozdravlja sporazum.',
      'שלום עולם, אמרה המשלחת.',
      'السلام عليكم من الوفد.',
      'Привет мир от делегации.',
    ].join('\n\n');
    const s = await publishedStatement(w, mixed, { language: 'hr' });
    const res = await (await w.client('anonymous')).get(`/statements/${s.id}.pdf`);
    expect(res.statusCode).toBe(200);
    const pdf = res.rawPayload;
    // Fonts are embedded subsets of the Unicode fonts, none of the 14 standard PDF fonts (Latin-1 only).
    const raw = pdf.toString('latin1');
    expect(raw).toMatch(/\/BaseFont \/[A-Z]{6}\+NotoSans-Regular/);
    expect(raw).toMatch(/\/BaseFont \/[A-Z]{6}\+NotoSansHebrew-Regular/);
    expect(raw).toMatch(/\/BaseFont \/[A-Z]{6}\+IBMPlexSansArabic-Regular/);
    expect(raw).not.toMatch(/\/BaseFont \/(Helvetica|Times)/);

    const text = pdfText(pdf);
    const words = new Set(text.split(/[\s\p{P}]+/u));
    for (const word of ['Kovač', 'שלום', 'עולם', 'המשלחת', 'السلام', 'عليكم', 'الوفد', 'Привет', 'мир', 'делегации'])
      expect(words, `${word} in:\n${text}`).toContain(word);
    // Right-to-left paragraphs come out in logical (reading) order, the paragraphs in the order written.
    const flat = text.replace(/\s+/g, ' ');
    for (const phrase of ['Ministar Kovač pozdravlja', 'שלום עולם', 'السلام عليكم من الوفد', 'Привет мир от делегации'])
      expect(flat).toContain(phrase);
    const at = (p: string) => flat.indexOf(p);
    expect(at('Kovač')).toBeLessThan(at('שלום'));
    expect(at('שלום')).toBeLessThan(at('السلام'));
    expect(at('السلام')).toBeLessThan(at('Привет'));
    if (process.env.PARLEY_PDF_PNG) pdfPagePng(pdf, process.env.PARLEY_PDF_PNG);
  });

  it('marks the language and direction of every text on the page and in the feed', async () => {
    const en = 'The delegations met in Geneva.';
    const he = 'המשלחות נפגשו בז׳נבה.\n\nשלום עולם.';
    const s = await publishedStatement(w, en, { language: 'en', secondLanguage: 'he', secondText: he });
    const mixed = await publishedStatement(w, 'Ministar Kovač.\n\nשלום עולם.', { language: 'hr' });
    const anon = await w.client('anonymous');

    const page = (await anon.get(`/statements/${s.id}`)).body;
    expect(page).toContain('<section class="text" lang="en" dir="ltr">');
    expect(page).toContain('<section class="text" lang="he" dir="rtl">');
    expect(page).toContain('<p dir="auto">המשלחות נפגשו בז׳נבה.</p>');
    expect(page).toContain('<p dir="auto">The delegations met in Geneva.</p>');
    expect(page).toContain('Hebrew');
    // A paragraph in another script than the statement's language still finds its own direction.
    const mixedPage = (await anon.get(`/statements/${mixed.id}`)).body;
    expect(mixedPage).toContain('<section class="text" lang="hr" dir="ltr">');
    expect(mixedPage).toContain('<p dir="auto">שלום עולם.</p>');

    const feed = (await anon.get('/statements/feed.atom')).body;
    expect(XMLValidator.validate(feed)).toBe(true);
    const doc = new XMLParser({
      ignoreAttributes: false,
      isArray: (name) => ['entry', 'link', 'div', 'p'].includes(name),
    }).parse(feed);
    const entryOf = (id: string) => doc.feed.entry.find((e: { id: string }) => e.id === `urn:uuid:${id}`);
    expect(entryOf(mixed.id)['@_xml:lang']).toBe('hr');
    expect(entryOf(mixed.id).content['@_type']).toBe('text');
    expect(entryOf(joint.id)['@_xml:lang']).toBe('en');
    const bilingual = entryOf(s.id);
    expect(bilingual['@_xml:lang']).toBe('en');
    expect(bilingual.content['@_type']).toBe('xhtml');
    const blocks = bilingual.content.div[0].div;
    expect(blocks.map((d: Record<string, string>) => [d['@_xml:lang'], d['@_dir']])).toEqual([
      ['en', 'ltr'],
      ['he', 'rtl'],
    ]);
    expect(blocks[1].p.map((p: { '#text': string }) => p['#text'])).toEqual(['המשלחות נפגשו בז׳נבה.', 'שלום עולם.']);

    // The PDF prints both texts.
    const text = pdfText((await anon.get(`/statements/${s.id}.pdf`)).rawPayload).replace(/\s+/g, ' ');
    expect(text).toContain('The delegations met in Geneva.');
    expect(text).toContain('שלום עולם');
  });
});
