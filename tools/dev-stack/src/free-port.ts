import path from 'node:path';
import { REPO_ROOT } from './dev-stack-settings';

// The plain-JS helper jest's global setup uses; loaded by path because it has no typings.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const helper = require(path.join(REPO_ROOT, 'libs', 'testing', 'src', 'free-port.js')) as { freePort(): Promise<number> };

/** A TCP port on loopback that the OS reports free right now. */
export function freePort(): Promise<number> {
  return helper.freePort();
}
