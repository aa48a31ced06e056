import { Module } from '@nestjs/common';
import { IdentitySplitsConsumer } from './identity-splits.consumer';
import { SplitApplier } from './split.applier';

/** Splits read from cdp.identity.merges: the split-off profile's events leave the survivor. */
@Module({ providers: [SplitApplier, IdentitySplitsConsumer] })
export class SplitsModule {}
