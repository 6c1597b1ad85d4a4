// Where one Parley join's time goes, from the joiner's in-page probe and the MLS group clients' trace lines of all
// three pages (console.debug `[mls …]`, stamped on the machine's shared clock), in ms since the click on Join. The
// steps are those of docs/call-keys.md §11; a step not seen is null.
import { median } from './chromium.js';

/** One trace line: [performance.timeOrigin + now, text], and who wrote it. */
export type TraceRow = { at: number; who: 'joiner' | 'member' | 'server'; line: string };

export const JOIN_STEPS = [
  ['admitted', 'call.joined reaches the joiner'],
  ['addStarts', 'a member starts preparing the Add'],
  ['addSent', 'the Add prepared, sent to the Delivery Service (M20)'],
  ['addAccepted', 'the Add commit accepted (adder switches to the new epoch)'],
  ['welcomePushed', 'the Welcome reaches the joiner (M29)'],
  ['welcomed', 'the joiner has processed the Welcome'],
  ['keysInWorker', "the joiner's keys sent to its worker (M33)"],
  ['mediaConnected', "every media connection up (ICE/DTLS, the joiner's view)"],
  ['firstFrame', 'first remote frame decoded'],
] as const;

export type JoinStep = (typeof JOIN_STEPS)[number][0];
export type JoinBreakdown = Record<JoinStep, number | null>;

/** The probe's own figures (ms since the click) and the trace rows, in absolute time with the click's instant. */
export function breakdown(
  click: number,
  probe: { joinedMs: number | null; mediaMs: number | null; firstFrameMs: number | null },
  rows: TraceRow[],
): JoinBreakdown {
  const after = rows.filter((r) => r.at >= click).sort((a, b) => a.at - b.at);
  const first = (who: TraceRow['who'], test: RegExp, from = 0) => {
    const row = after.find((r) => r.who === who && r.at - click >= from && test.test(r.line));
    return row ? Math.round(row.at - click) : null;
  };
  const addStarts = first('member', /: adding /);
  return {
    admitted: probe.joinedMs,
    addStarts,
    addSent: addStarts === null ? null : first('member', /Add prepared, sending it/, addStarts),
    // The Add's, not a Remove of the previous join that landed after the click.
    addAccepted: addStarts === null ? null : first('member', /commit for epoch \d+ accepted/, addStarts),
    welcomePushed: first('joiner', /Welcome pushed/),
    welcomed: first('joiner', /welcomed at seq/),
    keysInWorker: first('joiner', /keys to the worker/),
    mediaConnected: probe.mediaMs,
    firstFrame: probe.firstFrameMs === null ? null : Math.round(probe.firstFrameMs),
  };
}

export function formatBreakdown(b: JoinBreakdown): string {
  return JOIN_STEPS.map(([k]) => `${k} ${b[k] ?? '–'}`).join(', ');
}

/** The p50 of each step over the joins where it was seen. */
export function printMedianBreakdown(all: JoinBreakdown[]): void {
  console.log('  join breakdown, p50 ms since the click (joins where the step was seen):');
  for (const [k, what] of JOIN_STEPS) {
    const seen = all.map((b) => b[k]).filter((v): v is number => v !== null);
    const p50 = seen.length > 0 ? median(seen).toFixed(0).padStart(6) : '     –';
    console.log(`    ${p50} ms  ${what} (${seen.length}/${all.length})`);
  }
}
