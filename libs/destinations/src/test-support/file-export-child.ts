// A child process for the kill -9 test: writes batches b-<from>..b-<to> to a file destination, printing each ack.
import { FileExportAdapter } from '../file/file-export-adapter';
import { deliveryBatch, itemsFrom } from './delivery-fixtures';

async function main(): Promise<void> {
  const [directory, from, to] = [process.env.EXPORT_DIR!, Number(process.env.FROM), Number(process.env.TO)];
  const adapter = new FileExportAdapter('crashy', { directory, format: 'ndjson', maxFileBytes: 4096 }, () => Date.now());
  const signal = new AbortController().signal;
  for (let n = from; n <= to; n++) {
    const result = await adapter.send(deliveryBatch(`b-${n}`, itemsFrom(n * 10, 5)), { signal });
    if (result.outcome !== 'delivered') throw new Error(JSON.stringify(result));
    process.stdout.write(`acked b-${n}\n`);
  }
  await adapter.close();
}

void main();
