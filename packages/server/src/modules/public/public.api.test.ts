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
import { renderPdf } from './pdf.js';

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
    expect(page.body).toContain('<h1>Joint statement of the Test Group</h1>');
    expect(page.body).toContain('<p>Second paragraph: expert talks follow next week.</p>');
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

    // Uncompressed, the page content can be read back: pdfkit writes each line as hex strings in TJ arrays.
    const [entry] = await publicEntries(t.ctx.db, joint.id);
    const raw = (await renderPdf(entry!, { compress: false })).toString('latin1');
    const lines = [...raw.matchAll(/\[([^\]]*)\] TJ/g)].map((m) =>
      [...m[1]!.matchAll(/<([0-9a-f]*)>/g)].map((h) => Buffer.from(h[1]!, 'hex').toString('latin1')).join(''),
    );
    const text = lines.join(' ').replace(/\s+/g, ' ');
    expect(text).toContain('Joint statement of the Test Group');
    expect(text).toContain('Side A · Side B');
    expect(text).toContain(entry!.publishedAt.getUTCFullYear().toString());
    expect(text).toContain(`${JOINT} Second paragraph: expert talks follow next week.`.replace(/\s+/g, ' '));
  });
});
