import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, screenshot } from './support/browser.js';
import { dayPlus, recordSeats, type Seat, seat, waitForPhase } from './support/lifecycle.js';
import { type E2eServer, startE2eServer } from './support/server.js';
import { seedWorld, type World } from './support/world.js';

/** zod's own wording and the browser's exception texts must never reach a person. */
const RAW = /too small|too big|expected string|invalid time zone specified|invalid input/i;

/** Editing as a chair meets it: forms that explain themselves, the agenda from the keyboard, readouts in versions. */
describe('editing a consultation', () => {
  let server: E2eServer;
  let browser: Browser;
  let world: World;
  let ald: Seat;

  beforeAll(async () => {
    server = await startE2eServer();
    world = await seedWorld(server.ctx);
    browser = await launchChromium();
    ald = await seat(browser, server.url, world.users.aldChair!.email, 'editing-aldoria-chair');
  });
  afterEach(async ({ task }) => recordSeats(task.result?.state === 'fail', [ald]));
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('the meeting form names every problem at once, beside its field, in plain words, and shows its limits', async () => {
    const { page } = ald;
    await page.goto(`/groups/${world.groupId}/meetings`);
    await page.getByRole('link', { name: 'Plan a meeting' }).click();
    const title = page.getByLabel('Title', { exact: true });
    const titleField = page.locator('.field').filter({ has: title });
    await titleField.getByText('200 characters at most').waitFor();
    expect(await title.getAttribute('maxlength')).toBe('200');

    await page.getByRole('radio', { name: /In person/ }).check();
    await page.getByLabel('Location', { exact: true }).fill('');
    await page.getByLabel('Starts').fill(`${dayPlus(3)}T10:00`);
    await page.getByLabel('Ends').fill(`${dayPlus(3)}T09:00`);
    await page.getByLabel('Time zone').fill('Mars/Olympus');
    await page.getByRole('button', { name: 'Plan meeting' }).click();

    const fieldError = (label: string) =>
      page
        .locator('.field')
        .filter({ has: page.getByLabel(label, { exact: true }) })
        .locator('.field__error');
    await fieldError('Title').getByText('Must not be empty').waitFor();
    await fieldError('Location').getByText('An in-person or hybrid meeting needs a location').waitFor();
    await fieldError('Time zone')
      .getByText(/^Must be an IANA time zone such as Europe\/Berlin$/)
      .waitFor();
    await fieldError('Ends').getByText('Must be after start').waitFor();
    await page.getByRole('alert').filter({ hasText: 'Please correct the highlighted fields.' }).waitFor();
    expect(await page.locator('main').textContent()).not.toMatch(RAW);
    await screenshot(page, 'editing-01-plan-form-errors');

    // Corrected fields lose their message at the next submit; the rest keep theirs.
    await page.getByLabel('Time zone').fill('Europe/Berlin');
    await page.getByRole('button', { name: 'Plan meeting' }).click();
    await fieldError('Ends').getByText('Must be after start').waitFor();
    await fieldError('Title').getByText('Must not be empty').waitFor();
    expect(await fieldError('Time zone').count()).toBe(0);

    await title.fill('Consultations on crisis communication');
    await titleField.getByText('37 of 200 characters').waitFor();
    await page.getByLabel('Location', { exact: true }).fill('Aldoria City');
    await page.getByLabel('Ends').fill(`${dayPlus(3)}T12:00`);
    await page.getByRole('button', { name: 'Plan meeting' }).click();
    await page.getByRole('heading', { name: 'Consultations on crisis communication', level: 1 }).waitFor();
    await waitForPhase(page, 'Planned');
  });

  it('an agenda item moved to the top from the keyboard stays there, and the move is announced', async () => {
    const { page } = ald;
    const topic = page.getByLabel('New topic');
    await page.locator('.field').filter({ has: topic }).getByText('300 characters at most').waitFor();
    for (const t of ['Strategic stability', 'Crisis communication', 'Regional security']) {
      await topic.fill(t);
      await page.getByRole('button', { name: 'Add to agenda' }).click();
      await page.locator(`[data-agenda-item="${t}"]`).waitFor();
    }
    const order = () =>
      page.locator('[data-agenda-item]').evaluateAll((els) => els.map((e) => e.getAttribute('data-agenda-item')));
    const up = page.getByRole('button', { name: 'Move “Regional security” up' });
    const focused = () => up.evaluate((el) => el === document.activeElement);
    const status = page.getByTestId('agenda-status');

    await up.focus();
    await page.keyboard.press('Enter');
    await status.getByText('“Regional security” moved to position 2 of 3.').waitFor();
    await expect.poll(focused).toBe(true);
    await page.keyboard.press('Enter');
    await status.getByText('“Regional security” moved to position 1 of 3.').waitFor();
    await expect.poll(focused).toBe(true);
    expect(await up.getAttribute('aria-disabled')).toBe('true');

    // A third Enter, still on the same button, does nothing but say so: it must not move the item back down.
    await page.keyboard.press('Enter');
    await status.getByText('“Regional security” is already first.').waitFor();
    expect(await focused()).toBe(true);
    expect(await order()).toEqual(['Regional security', 'Strategic stability', 'Crisis communication']);
    await page.reload();
    await page.locator('[data-agenda-item]').first().waitFor();
    expect(await order()).toEqual(['Regional security', 'Strategic stability', 'Crisis communication']);
    await screenshot(page, 'editing-02-agenda');
  });

  it('saving versions 2 and 3 of one’s own readout never reads as someone else’s save', async () => {
    const { page } = ald;
    await page.getByRole('button', { name: 'Start meeting' }).click();
    await waitForPhase(page, 'In progress');
    await page.getByRole('button', { name: 'End meeting' }).click();
    await waitForPhase(page, 'Held');

    const draft = page.getByRole('form', { name: 'Draft your side’s readout' });
    const text = draft.getByLabel('Readout text');
    await draft
      .locator('.field')
      .filter({ has: page.getByLabel('Readout text') })
      .getByText('50,000 characters at most')
      .waitFor();
    await text.fill('Aldoria welcomed a frank exchange.');
    await draft.getByRole('button', { name: 'Save first version' }).click();
    const mine = page.getByRole('article', { name: 'Your side’s readout' });
    await mine.getByText('Draft · version 1').waitFor();

    const body = mine.getByLabel('Readout text');
    for (const [version, wording] of [
      [2, 'Aldoria welcomed a frank exchange on strategic stability.'],
      [3, 'Aldoria welcomed a frank and constructive exchange on strategic stability.'],
    ] as const) {
      await body.fill(wording);
      await mine.getByRole('button', { name: `Save as version ${version}` }).click();
      await mine.getByText(`Draft · version ${version}`).waitFor();
      await mine.getByRole('button', { name: `Save as version ${version + 1}` }).waitFor();
      await mine.getByRole('button', { name: `Publish version ${version}` }).waitFor();
      expect(await mine.getByText(/saved by someone else/).count()).toBe(0);
      expect(await body.inputValue()).toBe(wording);
    }
    await mine.locator('.versions summary').click();
    await mine.getByText('v3').waitFor();
    expect(await mine.getByText(/saved by someone else/).count()).toBe(0);
  });

  it('publishing says why it waits while edits are unsaved, and asks before it makes a version final', async () => {
    const { page } = ald;
    const mine = page.getByRole('article', { name: 'Your side’s readout' });
    const body = mine.getByLabel('Readout text');
    const saved = await body.inputValue();
    const publish = mine.getByRole('button', { name: 'Publish version 3' });

    await body.fill(`${saved} Unsaved words.`);
    expect(await publish.isDisabled()).toBe(true);
    const note = mine.getByTestId('publish-note');
    await note.getByText(/^Save your changes first/).waitFor();
    expect(await publish.getAttribute('aria-describedby')).toBe(await note.getAttribute('id'));
    await screenshot(page, 'editing-03-publish-unsaved');

    await body.fill(saved);
    await note.getByText(/It is final\.$/).waitFor();
    await publish.click();
    const confirm = page.getByRole('dialog', { name: 'Publish version 3?' });
    await confirm.getByText('Once published it cannot be withdrawn or changed.').waitFor();
    await screenshot(page, 'editing-04-publish-confirm');
    await confirm.getByRole('button', { name: 'Keep it a draft' }).click();
    await confirm.waitFor({ state: 'hidden' });
    await mine.getByText('Draft · version 3').waitFor();

    await publish.click();
    await confirm.getByRole('button', { name: 'Publish version 3, it is final' }).click();
    await mine.locator('.readout__head').getByText('Published', { exact: true }).waitFor();
    expect(await mine.getByText('version 3 published').count()).toBe(1);
  });
});
