import { spawn } from 'node:child_process';
import { closeSync, createReadStream, openSync } from 'node:fs';

export interface KcatTiming {
  seconds: number;
  exitCode: number | null;
  stderr: string;
}

export interface KcatConsumeTiming extends KcatTiming {
  lines: number;
  bytes: number;
}

/** The same producer settings for both brokers: acks=all (request.required.acks=-1), 5 ms linger, big batches. */
export const KCAT_PRODUCE_ARGS = ['-X', 'acks=all', '-X', 'linger.ms=5', '-X', 'batch.num.messages=10000'];

function runKcat(args: string[], stdoutFd: number | 'ignore'): Promise<KcatTiming> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn('kcat', args, { stdio: ['ignore', stdoutFd, 'pipe'] });
    let stderr = '';
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (text: string) => {
      if (stderr.length < 64 * 1024) stderr += text;
    });
    child.once('error', reject);
    child.once('close', (exitCode) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      resolve({ seconds, exitCode, stderr });
    });
  });
}

/** Wall time of one kcat producer process sending every line of `file` (kcat exits once all are delivered). */
export function kcatProduce(bootstrap: string, topic: string, file: string): Promise<KcatTiming> {
  return runKcat(['-P', '-b', bootstrap, '-t', topic, ...KCAT_PRODUCE_ARGS, '-l', file], 'ignore');
}

/** Wall time of `kcat -C -o beginning -e -q`, its output kept in `outFile` and counted after the clock stops. */
export async function kcatConsume(bootstrap: string, topic: string, outFile: string): Promise<KcatConsumeTiming> {
  const fd = openSync(outFile, 'w');
  let timing: KcatTiming;
  try {
    timing = await runKcat(['-C', '-b', bootstrap, '-t', topic, '-o', 'beginning', '-e', '-q'], fd);
  } finally {
    closeSync(fd);
  }
  let lines = 0;
  let bytes = 0;
  for await (const chunk of createReadStream(outFile)) {
    const buffer = chunk as Buffer;
    bytes += buffer.length;
    for (let at = buffer.indexOf(0x0a); at !== -1; at = buffer.indexOf(0x0a, at + 1)) lines++;
  }
  return { ...timing, lines, bytes };
}

/** "kcat 1.7.1, librdkafka 2.0.2" from `kcat -V`. */
export async function kcatVersion(): Promise<string> {
  const output = await new Promise<string>((resolve) => {
    const child = spawn('kcat', ['-V'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    child.stdout!.on('data', (data) => (text += data));
    child.stderr!.on('data', (data) => (text += data));
    child.once('close', () => resolve(text));
    child.once('error', () => resolve(''));
  });
  const kcat = /Version ([\d.]+)/.exec(output)?.[1] ?? '?';
  const librdkafka = /librdkafka ([\d.]+)/.exec(output)?.[1] ?? '?';
  return `kcat ${kcat}, librdkafka ${librdkafka}`;
}
