import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, newContext, screenshot } from './support/browser.js';
import {
  approvalRow,
  dayPlus,
  dialog,
  historyTitles,
  laptopShot,
  recordSeats,
  type Seat,
  seat,
  waitForPhase,
} from './support/lifecycle.js';
import { recordOutcomes, startTrackAndPlanItsMeeting } from './support/lifecycle-steps.js';
import { type E2eServer, startE2eServer } from './support/server.js';
import { seedWorld, type World } from './support/world.js';

const TITLE = 'Strategic consultations, eleventh round';
const REASON = 'Our chair must attend a vote at the International Council that day.';
const STATEMENT =
  'The Republic of Aldoria and the Commonwealth of Belmora held the eleventh round of their Strategic Consultative Group by secure video. Both sides agreed on a shared objective of strategic stability.';

/** The demo story (docs/architecture.md §8), walked through the real interface by the chairs of both sides, each in their own browser. */
describe('the life of a consultation', () => {
  let server: E2eServer;
  let browser: Browser;
  let world: World;
  let ald: Seat;
  let bel: Seat;
  let meetingUrl = '';

  beforeAll(async () => {
    server = await startE2eServer();
    world = await seedWorld(server.ctx);
    browser = await launchChromium();
    ald = await seat(browser, server.url, world.users.aldChair!.email, 'aldoria-chair');
    bel = await seat(browser, server.url, world.users.belChair!.email, 'belmora-chair');
  });
  let expert: Seat | undefined;
  afterEach(async ({ task }) => recordSeats(task.result?.state === 'fail', [ald, bel, expert]));
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('Aldoria plans an in-person meeting in its capital', async () => {
    const { page } = ald;
    await page.getByRole('link', { name: world.groupName }).click();
    await page.getByRole('navigation', { name: 'Group sections' }).getByRole('link', { name: 'Meetings' }).click();
    await page.getByRole('link', { name: 'Plan a meeting' }).click();
    await page.getByLabel('Title', { exact: true }).fill(TITLE);
    await page.getByRole('radio', { name: /In person/ }).check();
    await page.getByLabel('Location', { exact: true }).fill('Aldoria City, Ministry of Foreign Affairs');
    await page.getByLabel('Starts').fill(`${dayPlus(3)}T10:00`);
    await page.getByLabel('Ends').fill(`${dayPlus(3)}T14:00`);
    await page.getByLabel('Time zone').fill('Europe/Berlin');
    await screenshot(page, 'lifecycle-01-plan-form');
    await page.getByRole('button', { name: 'Plan meeting' }).click();

    await page.getByRole('heading', { name: TITLE, level: 1 }).waitFor();
    meetingUrl = new URL(page.url()).pathname;
    await waitForPhase(page, 'Planned');
    expect(await historyTitles(page, 1)).toEqual(['Planned as in person meeting']);
    // The meeting's own zone and the viewer's (the browser runs in UTC here) are both shown.
    await page.getByText('Time (Europe/Berlin)').waitFor();
    await page.getByText(/Your time/).waitFor();
  });

  it('Belmora’s chair cancels it over a council vote; a stale action is refused with the current state', async () => {
    // Aldoria's chair starts rescheduling while Belmora cancels: the server refuses the late reschedule (409).
    await ald.page.getByRole('button', { name: 'Reschedule' }).click();
    const reschedule = dialog(ald.page, 'Reschedule');
    await reschedule.getByLabel('New start').fill(`${dayPlus(4)}T10:00`);
    await reschedule.getByLabel('New end').fill(`${dayPlus(4)}T12:00`);

    const { page } = bel;
    await page.goto(meetingUrl);
    await page.getByRole('button', { name: 'Cancel meeting', exact: true }).click();
    const cancel = dialog(page, 'Cancel the meeting');
    await cancel.getByText('On behalf of Commonwealth of Belmora').waitFor();
    await cancel.getByLabel('Reason').fill(REASON);
    await cancel.getByRole('button', { name: 'Cancel the meeting' }).click();
    await waitForPhase(page, 'Cancelled');
    const titles = await historyTitles(page, 2);
    expect(titles[1]).toBe('Cancelled on behalf of Commonwealth of Belmora');
    await page.getByRole('list', { name: 'History' }).getByText(REASON).waitFor();

    await reschedule.getByRole('button', { name: 'Reschedule' }).click();
    const alert = ald.page.getByRole('alert').filter({ hasText: 'Not done' });
    await alert.getByText('Cannot reschedule a meeting that is cancelled').waitFor();
    expect(await alert.textContent()).toMatch(/What can be done now: .*re request/);
    await waitForPhase(ald.page, 'Cancelled');
    await screenshot(ald.page, 'lifecycle-02-conflict');
  });

  it('Belmora re-requests it through the back channel; it moves to video and to a new date', async () => {
    const { page } = bel;
    await page.getByRole('button', { name: 'Re-request', exact: true }).click();
    const req = dialog(page, 'Re-request the meeting');
    await req.getByRole('radio', { name: /Back channel/ }).check();
    await req.getByRole('button', { name: 'Re-request the meeting' }).click();
    await waitForPhase(page, 'Planned');
    expect((await historyTitles(page, 3))[2]).toBe('Re-requested by Commonwealth of Belmora through the back channel');

    const a = ald.page;
    await a.getByRole('button', { name: 'Dismiss' }).click();
    await a.getByRole('button', { name: 'Change format' }).click();
    const fmt = dialog(a, 'Change the format');
    await fmt.getByRole('radio', { name: /Secure video/ }).check();
    await fmt.getByLabel('Reason').fill('Held by secure video so that no delegation has to travel.');
    await fmt.getByRole('button', { name: 'Change format' }).click();
    expect((await historyTitles(a, 4))[3]).toBe('Moved from in person to secure video');

    await a.getByRole('button', { name: 'Reschedule' }).click();
    const re = dialog(a, 'Reschedule');
    await re.getByLabel('New start').fill(`${dayPlus(1)}T09:00`);
    await re.getByLabel('New end').fill(`${dayPlus(1)}T11:00`);
    await re.getByRole('button', { name: 'Reschedule' }).click();
    expect((await historyTitles(a, 5))[4]).toBe('Rescheduled');
    // Belmora's page followed along live, without a reload.
    await historyTitles(page, 5);
    await page.locator('.page-header').getByText('Secure video').waitFor();
  });

  it('the agenda is ordered from the keyboard', async () => {
    const { page } = ald;
    for (const topic of ['Strategic stability', 'Crisis communication', 'Regional security']) {
      await page.getByLabel('New topic').fill(topic);
      await page.getByRole('button', { name: 'Add to agenda' }).click();
      await page.locator(`[data-agenda-item="${topic}"]`).waitFor();
    }
    const up = page.getByRole('button', { name: 'Move “Regional security” up' });
    await up.focus();
    await page.keyboard.press('Enter');
    await page.locator('[data-agenda-item]').nth(1).filter({ hasText: 'Regional security' }).waitFor();
    // Focus stays on the moved item's button (back once the move is saved), so a second press moves it again.
    await expect
      .poll(() => up.evaluate((el) => el === document.activeElement && !(el as HTMLButtonElement).disabled))
      .toBe(true);
    await page.keyboard.press('Enter');
    await page.locator('[data-agenda-item]').first().filter({ hasText: 'Regional security' }).waitFor();
    expect(
      await page.locator('[data-agenda-item]').evaluateAll((els) => els.map((e) => e.getAttribute('data-agenda-item'))),
    ).toEqual(['Regional security', 'Strategic stability', 'Crisis communication']);
    await screenshot(page, 'lifecycle-03-meeting-page');
    await laptopShot(page, 'lifecycle-03-meeting-page');
  });

  it('a chair starts and ends it; the agenda becomes the record; each side writes its readout', async () => {
    const { page } = ald;
    await page.getByRole('button', { name: 'Start meeting' }).click();
    await waitForPhase(page, 'In progress');
    await waitForPhase(bel.page, 'In progress');
    await page.getByRole('button', { name: 'End meeting' }).click();
    await waitForPhase(page, 'Held');
    const titles = await historyTitles(page, 7);
    expect(titles.slice(5)).toEqual(['Meeting started', 'Meeting ended']);
    await page.getByRole('list', { name: 'History' }).getByText('Duration').waitFor();
    expect(await page.getByRole('button', { name: 'Add to agenda' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /^Move / }).count()).toBe(0);

    const draft = page.getByRole('form', { name: 'Draft your side’s readout' });
    await draft.getByLabel('Readout text').fill('Aldoria welcomed a frank exchange on strategic stability.');
    await draft.getByRole('button', { name: 'Save first version' }).click();
    const mine = page.getByRole('article', { name: 'Your side’s readout' });
    await mine.getByText('Draft · version 1').waitFor();
    await mine.getByRole('button', { name: 'Publish version 1' }).click();
    await page
      .getByRole('dialog', { name: 'Publish version 1?' })
      .getByRole('button', { name: 'Publish version 1, it is final' })
      .click();
    await mine.locator('.readout__head').getByText('Published', { exact: true }).waitFor();
    await bel.page
      .getByRole('article', { name: 'Readout of Republic of Aldoria' })
      .getByText('frank exchange')
      .waitFor();
    await screenshot(page, 'lifecycle-04-meeting-held');

    // The invitation and the calendar feed carry the meeting.
    const ics = await page.request.get(`/api${meetingUrl}/invite.ics`);
    expect(await ics.text()).toContain('BEGIN:VCALENDAR');
    await page.getByRole('link', { name: world.groupName }).click();
    await page.getByRole('navigation', { name: 'Group sections' }).getByRole('link', { name: 'Meetings' }).click();
    await page.getByRole('button', { name: 'Create subscription address' }).click();
    const feedUrl = await page.getByLabel('Subscription address').inputValue();
    const anonymous = await newContext(browser, server.url);
    expect(await (await anonymous.request.get(feedUrl)).text()).toContain('eleventh round');
    await anonymous.close();
    await page.locator(`[data-meeting="${TITLE}"]`).getByText('Held').waitFor();
    await screenshot(page, 'lifecycle-05-meetings-list');
    await laptopShot(page, 'lifecycle-05-meetings-list');
    await page.getByRole('button', { name: 'Month' }).click();
    await page
      .getByRole('table')
      .getByRole('link', { name: new RegExp(TITLE) })
      .waitFor();
    await screenshot(page, 'lifecycle-06-month');
  });

  it('outcomes are recorded: an agreement, Aldoria’s concern and Belmora’s commitment answering it', async () => {
    await recordOutcomes(ald.page, bel.page, meetingUrl);
    await screenshot(bel.page, 'lifecycle-07-outcomes');
    await laptopShot(bel.page, 'lifecycle-07-outcomes');
  });

  it('a follow-up track starts from the commitment, with an in-person meeting next week', async () => {
    expert = await seat(browser, server.url, world.users.aldExpert!.email, 'aldoria-expert');
    await startTrackAndPlanItsMeeting(bel.page, expert.page, world.groupName);
    await screenshot(expert.page, 'lifecycle-08-track');
    await expert.context.close();
    expert = undefined;

    const { page } = ald;
    await page.getByRole('link', { name: 'Groups', exact: true }).first().click();
    await page.getByRole('link', { name: world.groupName }).click();
    const tracks = page.getByRole('region', { name: /Follow-up tracks/ });
    await tracks.getByRole('link', { name: 'Expert track on crisis communication' }).waitFor();
    await tracks.getByText('Next meeting').waitFor();
    await page
      .getByRole('region', { name: /Unanswered concerns/ })
      .getByText('Every concern has a response.')
      .waitFor();
    await page
      .getByRole('region', { name: /Open actions/ })
      .getByText('Share the council calendar')
      .waitFor();
    await screenshot(page, 'lifecycle-09-overview');
    await laptopShot(page, 'lifecycle-09-overview');
  });

  it('a joint statement is approved by a chair of each side, voided by an edit, and published', async () => {
    const a = ald.page;
    await a.getByRole('navigation', { name: 'Group sections' }).getByRole('link', { name: 'Statements' }).click();
    await a.getByLabel('Statement text').fill(STATEMENT);
    await a.getByRole('button', { name: 'Create draft' }).click();
    await a.getByRole('heading', { name: 'Joint statement', level: 1 }).waitFor();
    await a.getByText('✓ matches the text shown').waitFor();
    expect(await (await approvalRow(a, 'ALD')).textContent()).toContain('Pending');
    await a.getByRole('button', { name: 'Approve this exact text' }).click();
    await (await approvalRow(a, 'ALD')).getByText('Approved by Elena Marsh').waitFor();

    const b = bel.page;
    await b.goto(new URL(a.url()).pathname);
    await (await approvalRow(b, 'ALD')).getByText('Approved by Elena Marsh').waitFor();
    await screenshot(b, 'lifecycle-10-statement-draft');
    await b.getByLabel('Statement text').fill(`${STATEMENT} Experts will meet next week.`);
    await b.getByText('Saving a change voids the approval already given.').waitFor();
    await b.getByRole('button', { name: 'Save text' }).click();
    // The edit voided Aldoria's approval: both chairs see it pending again, live.
    await (await approvalRow(b, 'ALD')).getByText('Pending').waitFor();
    await (await approvalRow(a, 'ALD')).getByText('Pending').waitFor();
    await a.getByText('Experts will meet next week.').waitFor();

    await a.getByRole('button', { name: 'Approve this exact text' }).click();
    await (await approvalRow(b, 'ALD')).getByText('Approved by Elena Marsh').waitFor();
    await b.getByRole('button', { name: 'Approve this exact text' }).click();
    for (const p of [a, b]) {
      await p.getByText('This statement is public.').waitFor();
      await (await approvalRow(p, 'BEL')).getByText('Approved by Amara Quist').waitFor();
    }
    expect(await a.getByRole('link', { name: 'Atom feed' }).getAttribute('href')).toBe('/statements/feed.atom');
    await screenshot(a, 'lifecycle-11-statement-published');
    await laptopShot(a, 'lifecycle-11-statement-published');

    const reader = await newContext(browser, server.url);
    const pub = await reader.newPage();
    await pub.goto('/statements');
    await pub.getByText('Experts will meet next week.').first().waitFor();
    await screenshot(pub, 'lifecycle-12-public');
    await reader.close();

    // Across groups: the statements page, and every meeting including the overseen track's.
    const main = a.getByRole('navigation', { name: 'Main' });
    await main.getByRole('link', { name: 'Statements' }).click();
    await a
      .getByRole('region', { name: /Published/ })
      .getByText('Experts will meet next week.')
      .waitFor();
    await screenshot(a, 'lifecycle-13-all-statements');
    await main.getByRole('link', { name: 'Meetings' }).click();
    await a
      .getByRole('region', { name: /Upcoming/ })
      .getByText('Expert discussions on crisis communication')
      .waitFor();
    await a.getByRole('region', { name: /Past/ }).getByText(TITLE).waitFor();
    await screenshot(a, 'lifecycle-14-my-meetings');
    await laptopShot(a, 'lifecycle-14-my-meetings');
  });
});
