import { installKafkajsFastPathsUnlessDisabled } from '@tessera/kafka/fast-paths';
import type { RunningService, ServiceAppModule } from './bootstrap-service';
import type { ServiceKitOptions } from './service-kit-options';

/**
 * The whole of a service's main.ts: start, or report why not and exit 1 (a supervisor then restarts it or
 * shows the failure). Configuration errors have already exited with a one-line message naming the variable.
 *
 * The app module comes through a loader, and the Nest side of this kit is loaded here too, because the kafkajs
 * fast paths must be installed before anything loads kafkajs: kafkajs captures some of the swapped modules as it
 * loads. This module therefore imports nothing that loads kafkajs (it has an entry point of its own,
 * @tessera/service-kit/run-service).
 */
export async function runService(loadAppModule: () => Promise<ServiceAppModule>, options: ServiceKitOptions): Promise<RunningService> {
  try {
    const fastPaths = installKafkajsFastPathsUnlessDisabled(process.env);
    const { bootstrapService } = await import('./bootstrap-service');
    const running = await bootstrapService(await loadAppModule(), options);
    const { logger } = running.options;
    if (fastPaths === 'partial') logger.warn('kafkajs loaded before start-up: some kafkajs fast paths stay kafkajs own code (slower)');
    else logger.info({ kafkajsFastPaths: fastPaths }, 'kafkajs fast paths');
    return running;
  } catch (error) {
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.stderr.write(`${options.name} failed to start: ${detail}\n`);
    process.exit(1);
  }
}
