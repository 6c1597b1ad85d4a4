/** One measured figure of a benchmark, compared against a baseline measured in the same run. */
export interface BenchResult {
  /** The figure's name, e.g. "SFrame protect 1 KiB frame". */
  name: string;
  value: number;
  /** The same-run reference the value is compared with (e.g. raw AES-GCM for SFrame). */
  baseline: number;
  /** value / baseline, as the bench defines it. */
  ratio: number;
  /** Unit of value and baseline, e.g. "µs/op", "MB/s". */
  unit: string;
  /** The goal in words, e.g. "< 1.5x baseline". */
  target: string;
}

/** What every bench/*.bench.ts module exports. */
export interface BenchModule {
  run(): Promise<BenchResult[]>;
}
