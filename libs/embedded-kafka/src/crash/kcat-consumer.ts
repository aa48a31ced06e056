import { spawn } from 'node:child_process';

export interface ConsumedLine {
  partition: number;
  offset: number;
  value: string;
}

function runKcat(args: string[], timeoutMs: number): Promise<{ exitCode: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('kcat', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    let stderr = '';
    child.stdout!.on('data', (data: Buffer) => stdout.push(data));
    child.stderr!.on('data', (data: Buffer) => (stderr += data.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`kcat ${args.join(' ')} did not finish within ${timeoutMs} ms; stderr: ${stderr}`));
    }, timeoutMs);
    child.once('error', reject);
    child.once('close', (exitCode) => {
      clearTimeout(timer);
      resolve({ exitCode, stdout: Buffer.concat(stdout).toString('latin1'), stderr });
    });
  });
}

/** Every record of every partition from the beginning, with partition and offset (`kcat -C -e`). */
export async function consumeAllWithOffsets(bootstrap: string, topic: string, timeoutMs = 60_000): Promise<ConsumedLine[]> {
  const { exitCode, stdout, stderr } = await runKcat(
    ['-C', '-b', bootstrap, '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%p %o %s\n'],
    timeoutMs,
  );
  if (exitCode !== 0) throw new Error(`kcat -C exited with ${exitCode}: ${stderr}`);
  return stdout
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => {
      const firstSpace = line.indexOf(' ');
      const secondSpace = line.indexOf(' ', firstSpace + 1);
      return {
        partition: Number(line.slice(0, firstSpace)),
        offset: Number(line.slice(firstSpace + 1, secondSpace)),
        value: line.slice(secondSpace + 1),
      };
    });
}

/**
 * A librdkafka group member (`kcat -G`): joins `group`, consumes, and on exit commits the offsets it consumed
 * (auto offset store + commit on close). `count` stops after that many records; `untilEnd` stops at end of partitions.
 * Returns the records' values.
 */
export async function consumeInGroup(
  bootstrap: string,
  group: string,
  topic: string,
  stop: { count: number } | { untilEnd: true },
  timeoutMs = 60_000,
): Promise<string[]> {
  const stopArgs = 'count' in stop ? ['-c', String(stop.count)] : ['-e'];
  const { exitCode, stdout, stderr } = await runKcat(
    ['-G', group, '-b', bootstrap, '-X', 'auto.offset.reset=earliest', '-q', ...stopArgs, topic],
    timeoutMs,
  );
  if (exitCode !== 0) throw new Error(`kcat -G exited with ${exitCode}: ${stderr}`);
  return stdout.split('\n').filter((line) => line.length > 0);
}
