import { bootstrapService, type RunningService, type ServiceAppModule } from './bootstrap-service';
import type { ServiceKitOptions } from './service-kit-options';

/**
 * The whole of a service's main.ts: start, or report why not and exit 1 (a supervisor then restarts it or
 * shows the failure). Configuration errors have already exited with a one-line message naming the variable.
 */
export async function runService(appModule: ServiceAppModule, options: ServiceKitOptions): Promise<RunningService> {
  try {
    return await bootstrapService(appModule, options);
  } catch (error) {
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.stderr.write(`${options.name} failed to start: ${detail}\n`);
    process.exit(1);
  }
}
