/**
 * Summarises a V8 .cpuprofile (from `bash bench/kafka-broker/run.sh --cpu-prof <dir>`): the functions with the most
 * self time, and the project functions with the most inclusive time, each with file and line.
 *
 *   node tools/run-ts.js bench/kafka-broker/cpu-profile-summary.ts <file.cpuprofile> [top=25]
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
}

const REPO_ROOT = path.resolve(__dirname, '../..');

function frameName(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url.replace('file://', '').replace(`${REPO_ROOT}/`, '');
  return `${functionName || '(anonymous)'} ${file ? `${file}:${lineNumber + 1}` : ''}`.trim();
}

function main(): void {
  const [file, topArg] = process.argv.slice(2);
  if (!file) throw new Error('usage: cpu-profile-summary.ts <file.cpuprofile> [top]');
  const top = Number(topArg ?? 25);
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const totalMs = (profile.endTime - profile.startTime) / 1000;
  const msPerSample = totalMs / Math.max(1, profile.samples.length);
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);

  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    if (!hits) continue;
    self.set(frameName(node), (self.get(frameName(node)) ?? 0) + hits);
    // Charge every distinct frame on the stack once, so recursion is not counted twice.
    const seen = new Set<string>();
    for (let id: number | undefined = node.id; id !== undefined; id = parentOf.get(id)) {
      const name = frameName(byId.get(id)!);
      if (seen.has(name)) continue;
      seen.add(name);
      inclusive.set(name, (inclusive.get(name) ?? 0) + hits);
    }
  }

  const totalSamples = profile.samples.length;
  const print = (title: string, entries: Array<[string, number]>) => {
    console.log(`\n${title}`);
    for (const [name, hits] of entries.slice(0, top)) {
      console.log(`${((hits / totalSamples) * 100).toFixed(1).padStart(5)}%  ${(hits * msPerSample).toFixed(0).padStart(6)} ms  ${name}`);
    }
  };
  console.log(`${file}: ${totalMs.toFixed(0)} ms profiled, ${totalSamples} samples`);
  print(
    'self time',
    [...self].sort((a, b) => b[1] - a[1]),
  );
  print(
    'inclusive time, project code',
    [...inclusive].filter(([name]) => name.includes('libs/')).sort((a, b) => b[1] - a[1]),
  );
}

main();
