import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { dayPlus, dialog } from './lifecycle.js';

export const CONCERN = 'Aldoria is concerned about courses of action that risk escalation.';
const COMMITMENT =
  'Belmora will take Aldoria’s concerns into account and hold follow-up expert discussions overseen by the group.';
const TRACK = 'Expert track on crisis communication';

async function recordOutcome(page: Page, fill: (d: ReturnType<typeof dialog>) => Promise<void>): Promise<void> {
  await page.getByRole('button', { name: 'Record an outcome' }).click();
  const d = dialog(page, 'Record an outcome');
  await fill(d);
  await d.getByRole('button', { name: 'Record outcome' }).click();
  await d.waitFor({ state: 'hidden' });
}

/** Aldoria records the agreement and its concern from the meeting page; Belmora answers with a commitment. */
export async function recordOutcomes(ald: Page, bel: Page, meetingUrl: string): Promise<void> {
  await ald.goto(meetingUrl);
  await ald.getByRole('link', { name: 'Record an outcome' }).click();
  const d = dialog(ald, 'Record an outcome');
  // Opened from the meeting, the entry is already linked to it.
  expect(await d.getByLabel('Meeting').locator('option:checked').textContent()).toContain('eleventh round');
  await d.getByLabel('Kind').selectOption('agreement');
  await d.getByLabel('Raised by').selectOption({ label: 'Not set' });
  await d
    .getByLabel('Text')
    .fill('Both sides share the objective of strategic stability and of avoiding miscalculation.');
  await d.getByRole('button', { name: 'Record outcome' }).click();
  await ald.locator('tr[data-outcome="agreement"]').waitFor();

  await recordOutcome(ald, async (x) => {
    await x.getByLabel('Kind').selectOption('concern');
    await x.getByLabel('Addressed to').selectOption({ label: 'Commonwealth of Belmora' });
    await x.getByLabel('Text').fill(CONCERN);
  });
  await ald.locator('tr[data-outcome="concern"]').waitFor();

  await bel.goto(meetingUrl);
  await bel.getByRole('link', { name: 'Open in register' }).click();
  await bel.locator('tr[data-outcome="concern"]').waitFor();
  await recordOutcome(bel, async (x) => {
    await x.getByLabel('Kind').selectOption('commitment');
    await x.getByLabel('Addressed to').selectOption({ label: 'Republic of Aldoria' });
    await x.getByLabel('Responds to').selectOption({ label: `Concern: ${CONCERN}` });
    await x.getByLabel('Owner').selectOption({ label: 'Jonas Feld (BEL)' });
    await x.getByLabel('Text').fill(COMMITMENT);
  });
  await recordOutcome(bel, async (x) => {
    await x.getByLabel('Kind').selectOption('action');
    await x.getByLabel('Text').fill('Share the council calendar with Aldoria’s secretariat.');
    await x.getByLabel('Owner').selectOption({ label: 'Amara Quist (BEL)' });
    await x.getByLabel('Due').fill(dayPlus(7));
  });
  const commitment = bel.locator('tr[data-outcome="commitment"]');
  await commitment.getByText('responds to concern').waitFor();
  await bel.locator('tr[data-outcome="concern"]').getByText('1 response').waitFor();
  // The action's row comes with the register's next reload, which may still be on its way: wait for it, then count.
  await bel.locator('tr[data-outcome="action"]').waitFor();
  expect(await bel.locator('tbody tr').count()).toBe(4);
  // Aldoria's register follows live.
  await ald.locator('tr[data-outcome="commitment"]').waitFor();

  const filters = bel.getByRole('form', { name: 'Filter the register' });
  await filters.getByLabel('Kind').selectOption('concern');
  await bel.locator('tr[data-outcome="agreement"]').waitFor({ state: 'detached' });
  // The filtered list replaces the rows when it arrives: count once it has, not while the table is between lists.
  await bel.locator('tr[data-outcome="concern"]').waitFor();
  await expect.poll(() => bel.locator('tbody tr').count()).toBe(1);
  await filters.getByLabel('Kind').selectOption('');
  await commitment.waitFor();
}

/** Belmora's chair starts the track from the commitment; an Aldorian expert of the track plans its meeting. */
export async function startTrackAndPlanItsMeeting(bel: Page, expert: Page, groupName: string): Promise<void> {
  await bel
    .locator('tr[data-outcome="commitment"]')
    .getByRole('button', { name: /Start a follow-up track/ })
    .click();
  const d = dialog(bel, 'Start a follow-up track');
  await d.getByLabel('Track name').fill(TRACK);
  await d.getByLabel('Iris Halden').check();
  await d.getByLabel('Jonas Feld').check();
  await d.getByRole('button', { name: 'Start track' }).click();
  await bel.getByRole('heading', { name: TRACK, level: 1 }).waitFor();
  await bel.getByText(`overseen by the chairs of ${groupName}`).waitFor();

  await expert.reload();
  await expert.getByRole('link', { name: TRACK }).click();
  await expert.getByText(`overseen by the chairs of ${groupName}`).waitFor();
  await expert.getByRole('navigation', { name: 'Group sections' }).getByRole('link', { name: 'Meetings' }).click();
  await expert.getByRole('link', { name: 'Plan a meeting' }).click();
  await expert.getByLabel('Title', { exact: true }).fill('Expert discussions on crisis communication');
  await expert.getByRole('radio', { name: /In person/ }).check();
  await expert.getByLabel('Location', { exact: true }).fill('Belmora Harbour, Cabinet Office');
  await expert.getByLabel('Starts').fill(`${dayPlus(7)}T10:00`);
  await expert.getByLabel('Ends').fill(`${dayPlus(7)}T16:00`);
  await expert.getByLabel('Time zone').fill('Europe/London');
  await expert.getByRole('button', { name: 'Plan meeting' }).click();
  await expert.getByRole('heading', { name: 'Expert discussions on crisis communication', level: 1 }).waitFor();
  await expert.getByRole('link', { name: TRACK }).click();
  await expert
    .getByRole('region', { name: 'Next meetings' })
    .getByText('Expert discussions on crisis communication')
    .waitFor();
}
