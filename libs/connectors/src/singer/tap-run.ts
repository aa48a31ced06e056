import type { SingerConfig } from './singer-config';
import { linesOf } from './stdout-lines';
import { stringsIn, TapFiles, TapProcess } from './tap-process';
import { SingerTapError } from './singer-tap.error';

export interface TapRun {
  /** The JSON files the tap reads (`config`, `state`, `catalog`), each passed by path in `args`. */
  files: Record<string, unknown>;
  args(files: TapFiles): string[];
  /** What the tap is doing, for errors ("reading customers"). */
  doing: string;
  signal?: AbortSignal;
}

/**
 * Runs the tap and yields what `consume` makes of its stdout lines; `consume`'s return value is yielded last, only
 * once the tap has exited 0. A non-zero exit throws SingerTapError; an abort kills the tap and throws the abort.
 * Whatever happens (the consumer stopping early included), the tap is killed and its files removed.
 */
export async function* runTap<T>(
  config: SingerConfig,
  run: TapRun,
  consume: (lines: AsyncIterable<string>) => AsyncGenerator<T, T | undefined>,
): AsyncGenerator<T> {
  const files = await TapFiles.create(run.files);
  const secrets = [...stringsIn(config.tapSecrets), ...stringsIn(config.secretEnv)];
  const args = [...(config.args ?? []), ...run.args(files)];
  const tap = TapProcess.start(config.command, args, { ...config.env, ...config.secretEnv }, secrets);
  const kill = (): void => void tap.stop();
  run.signal?.addEventListener('abort', kill, { once: true });
  try {
    const last = yield* consume(linesOf(tap.stdout));
    const exit = await tap.exited;
    run.signal?.throwIfAborted();
    if (exit.code !== 0) throw new SingerTapError(exit, tap.stderrTail(), run.doing);
    if (last !== undefined) yield last;
  } catch (error) {
    run.signal?.throwIfAborted(); // the kill cut stdout short: the abort is the reason, not the closed pipe
    throw error;
  } finally {
    run.signal?.removeEventListener('abort', kill);
    await tap.stop();
    await files.remove();
  }
}

/** The tap's own config file: the plain settings with the secret ones over them. */
export function tapConfigOf(config: SingerConfig): Record<string, unknown> {
  return { ...config.tapConfig, ...config.tapSecrets };
}
