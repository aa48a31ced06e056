import type { BrokerKind } from './bench-options';

/** One produce-then-consume pass of one broker. */
export interface RunResult {
  broker: BrokerKind;
  partitions: number;
  run: number;
  records: number;
  recordBytes: number;
  produceSeconds: number;
  producedOffsets: number;
  produceCpuSeconds: number;
  kcatProduceCpuSeconds: number;
  consumeSeconds: number;
  consumedRecords: number;
  consumeCpuSeconds: number;
}

export interface SummaryRow {
  broker: BrokerKind;
  partitions: number;
  produceMsgsPerSecond: number;
  bestProduceMsgsPerSecond: number;
  produceMegabytesPerSecond: number;
  consumeMsgsPerSecond: number;
  consumeMegabytesPerSecond: number;
  consumedRecords: number;
  produceCpuSeconds: number;
  consumeCpuSeconds: number;
  kcatProduceCpuSeconds: number;
}

const LABELS: Record<BrokerKind, string> = { mock: 'librdkafka mock', embedded: 'embedded (durable)' };

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Medians per broker and partition count; MB/s counts record values only (10^6 bytes). */
export function summarize(results: RunResult[]): SummaryRow[] {
  const groups = new Map<string, RunResult[]>();
  for (const result of results) {
    const key = `${result.partitions}/${result.broker}`;
    groups.set(key, [...(groups.get(key) ?? []), result]);
  }
  return [...groups.values()].map((runs) => {
    const first = runs[0];
    const produceRates = runs.map((r) => r.records / r.produceSeconds);
    const consumeRates = runs.map((r) => r.consumedRecords / r.consumeSeconds);
    return {
      broker: first.broker,
      partitions: first.partitions,
      produceMsgsPerSecond: median(produceRates),
      bestProduceMsgsPerSecond: Math.max(...produceRates),
      produceMegabytesPerSecond: (median(produceRates) * first.recordBytes) / 1e6,
      consumeMsgsPerSecond: median(consumeRates),
      consumeMegabytesPerSecond: (median(consumeRates) * first.recordBytes) / 1e6,
      consumedRecords: median(runs.map((r) => r.consumedRecords)),
      produceCpuSeconds: median(runs.map((r) => r.produceCpuSeconds)),
      consumeCpuSeconds: median(runs.map((r) => r.consumeCpuSeconds)),
      kcatProduceCpuSeconds: median(runs.map((r) => r.kcatProduceCpuSeconds)),
    };
  });
}

const integer = (value: number): string => Math.round(value).toLocaleString('en-US');
const decimal = (value: number, digits = 1): string => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');

/** @param embeddedNote e.g. the extra broker CLI arguments, shown next to the embedded broker's name */
export function formatTable(rows: SummaryRow[], records: number, embeddedNote = ''): string {
  const label = (broker: BrokerKind) => (broker === 'embedded' && embeddedNote ? `${LABELS[broker]} ${embeddedNote}` : LABELS[broker]);
  const header = [
    'partitions',
    'broker',
    'produce msgs/s',
    'best',
    'produce MB/s',
    'consume msgs/s',
    'consume MB/s',
    'consumed',
    'broker CPU s P/C',
    'kcat -P CPU s',
  ];
  const body = rows.map((row) => [
    String(row.partitions),
    label(row.broker),
    integer(row.produceMsgsPerSecond),
    integer(row.bestProduceMsgsPerSecond),
    decimal(row.produceMegabytesPerSecond),
    integer(row.consumeMsgsPerSecond),
    decimal(row.consumeMegabytesPerSecond),
    row.consumedRecords === records ? 'all' : `${integer(row.consumedRecords)}*`,
    `${decimal(row.produceCpuSeconds, 2)} / ${decimal(row.consumeCpuSeconds, 2)}`,
    decimal(row.kcatProduceCpuSeconds, 2),
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...body.map((cells) => cells[column].length)));
  const line = (cells: string[]) =>
    cells.map((cell, column) => (column < 2 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join('  ');
  return [line(header), widths.map((width) => '-'.repeat(width)).join('  '), ...body.map(line)].join('\n');
}

/** Produce (and consume) throughput of the embedded broker relative to the mock, per partition count. */
export function ratios(rows: SummaryRow[]): Array<{ partitions: number; produce: number; produceBest: number; consume: number }> {
  const partitionCounts = [...new Set(rows.map((row) => row.partitions))];
  return partitionCounts.flatMap((partitions) => {
    const mock = rows.find((row) => row.partitions === partitions && row.broker === 'mock');
    const embedded = rows.find((row) => row.partitions === partitions && row.broker === 'embedded');
    if (!mock || !embedded) return [];
    return [
      {
        partitions,
        produce: embedded.produceMsgsPerSecond / mock.produceMsgsPerSecond,
        produceBest: embedded.bestProduceMsgsPerSecond / mock.bestProduceMsgsPerSecond,
        consume: embedded.consumeMsgsPerSecond / mock.consumeMsgsPerSecond,
      },
    ];
  });
}
