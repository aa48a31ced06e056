/** One sample of a run's progress: when, and how many records it had read. */
export interface ProgressSample {
  atMs: number;
  read: number;
}

const RATE_WINDOW_MS = 5_000;

/** Records/s over the last few seconds of samples (oldest sample inside the window to the newest); 0 until two exist. */
export function recordsPerSecond(samples: readonly ProgressSample[]): number {
  const last = samples.at(-1);
  if (!last) return 0;
  const first = samples.find((s) => last.atMs - s.atMs <= RATE_WINDOW_MS) ?? last;
  const seconds = (last.atMs - first.atMs) / 1000;
  return seconds > 0 ? (last.read - first.read) / seconds : 0;
}

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

const count = (n: number) => Math.round(n).toLocaleString('en-US');

/**
 * The progress line of a run: a bar, percentage and ETA when the connector announced a total, else the count and
 * the rate alone. `[#########-----------]  45%  12,345/27,000 records  3,210 rec/s  ETA 4s`
 */
export function progressLine(read: number, total: number | null, rate: number, width = 24): string {
  const speed = `${count(rate)} rec/s`;
  if (total === null || total <= 0) return `${count(read)} records  ${speed}`;
  const ratio = Math.min(1, read / total);
  const filled = Math.round(ratio * width);
  const eta = read >= total ? '0s' : rate > 0 ? duration((total - read) / rate) : '?';
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.floor(ratio * 100)).padStart(3)}%  ${count(read)}/${count(total)} records  ${speed}  ETA ${eta}`;
}

/**
 * A run's line. A succeeded run has read its whole source, so its bar is full whatever the connector estimated:
 * an API's total can count rows the incremental read skips (those at the saved cursor value).
 */
export function runProgressLine(run: RunProgress, rate: number): string {
  const total = run.state === 'succeeded' ? run.recordsRead : run.estimatedTotal;
  return `${run.state.padEnd(9)} ${progressLine(run.recordsRead, total, averageRate(run) ?? rate)}`;
}

interface RunProgress {
  state: string;
  recordsRead: number;
  estimatedTotal: number | null;
  startedAt?: string | null;
  finishedAt?: string | null;
}

/** An ended run's records/s over its whole read: a run shorter than the poll interval has no two samples apart. */
function averageRate(run: RunProgress): number | null {
  if (!run.startedAt || !run.finishedAt) return null;
  const seconds = (Date.parse(run.finishedAt) - Date.parse(run.startedAt)) / 1000;
  return seconds > 0 ? run.recordsRead / seconds : null;
}
