import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import type { Logger } from '@tessera/observability';
import { SERVICE_LOGGER } from '@tessera/service-kit';
import { GATEWAY_SETTINGS, type GatewaySettings } from '../config/gateway-settings';
import { SourceRepository } from './source-repository';
import { writeKeyDigest } from './write-key';

export const DEV_SOURCE_ID = 'dev';

/** When TESSERA_DEV_WRITE_KEY is set (the dev stack sets it), makes sure source "dev" answers to that key. */
@Injectable()
export class DevSourceSeeder implements OnApplicationBootstrap {
  constructor(
    private readonly sources: SourceRepository,
    @Inject(GATEWAY_SETTINGS) private readonly settings: GatewaySettings,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.settings.devWriteKey) return;
    await this.sources.upsertWithId(DEV_SOURCE_ID, 'Development source (TESSERA_DEV_WRITE_KEY)', writeKeyDigest(this.settings.devWriteKey));
    this.logger.info({ sourceId: DEV_SOURCE_ID }, 'dev source ready with the configured write key');
  }
}
