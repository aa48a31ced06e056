import { Inject, Injectable } from '@nestjs/common';
import type { SqlExecutor } from '@tessera/kafka';
import { SEGMENT_SETTINGS, type SegmentSettings } from '../config/segment-settings';
import { SegmentCatalog } from './segment-catalog';

/**
 * The parsed definitions (rules, index, dependency order), kept between slices and keyed on `definitions_epoch`,
 * which every definition write bumps in its own transaction (a trigger, see EvaluatorCaches1733600000100). A slice
 * reads the one-row epoch in its transaction and re-reads the definitions only when it moved: an edit made
 * through any replica reaches the next slice of every replica, and a slice never decides with definitions older
 * than the epoch it read.
 */
@Injectable()
export class SegmentCatalogCache {
  private cached: { epoch: string; catalog: SegmentCatalog } | undefined;

  constructor(@Inject(SEGMENT_SETTINGS) private readonly settings: SegmentSettings) {}

  async load(tx: SqlExecutor): Promise<SegmentCatalog> {
    const { rows } = await tx.query<{ epoch: string }>('SELECT epoch::text AS epoch FROM definitions_epoch');
    if (this.cached && this.cached.epoch === rows[0]?.epoch) return this.cached.catalog;
    this.cached = await SegmentCatalog.loadVersioned(tx, this.settings);
    return this.cached.catalog;
  }
}
