import type { TapExit } from './tap-process';

/** A tap that exited non-zero (or was killed): its exit and the last lines of its stderr, secrets masked. */
export class SingerTapError extends Error {
  constructor(
    readonly exit: TapExit,
    readonly stderr: string[],
    doing: string,
  ) {
    const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
    super(`the Singer tap ${how} while ${doing}${stderr.length ? `; its stderr ends:\n${stderr.join('\n')}` : ''}`);
    this.name = 'SingerTapError';
  }
}
