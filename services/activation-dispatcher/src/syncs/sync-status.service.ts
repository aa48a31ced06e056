import { Inject, Injectable } from '@nestjs/common';
import { jsonPointer } from '@tessera/config';
import { SERVICE_PG_POOL } from '@tessera/service-kit';
import type { Pool } from 'pg';
import type { MappingProblem } from '../enqueue/field-mapping';
import type { SyncView } from './sync-repository';

/** What a sync would send now, as far as the dispatcher can tell: its segment's members and what they lack. */
export interface SyncStatus {
  /** Profiles in the segment now, as the dispatcher has seen them on cdp.segments.membership. */
  members: number;
  /** Why the sync may send nothing, or leave mapped fields out, each at the body's JSON Pointer. */
  warnings: MappingProblem[];
}

const COMPUTED_SOURCE = /^(computed|prediction)\./;

/**
 * The dispatcher cannot refuse an unknown segment or computed trait when a sync is created: their definitions
 * live in the segment evaluator's schema, and only memberships and computed values reach it (as Avro on Kafka).
 * A segment nobody has entered yet and one that does not exist look the same from here, as do a computed trait
 * that has no value for anyone yet and a typo. So the sync is accepted and its status says what it will send.
 */
@Injectable()
export class SyncStatusService {
  constructor(@Inject(SERVICE_PG_POOL) private readonly pool: Pool) {}

  async status(sync: SyncView): Promise<SyncStatus> {
    const { rows } = await this.pool.query<{ members: string }>('SELECT count(*) AS members FROM segment_members WHERE segment_id = $1', [
      sync.segmentId,
    ]);
    const members = Number(rows[0].members);
    if (members === 0) {
      return {
        members,
        warnings: [
          {
            path: '/segmentId',
            message: `no profile is in segment ${JSON.stringify(sync.segmentId)}: the segment evaluator has no such segment, or nobody has entered it yet; the sync sends nothing until someone does`,
          },
        ],
      };
    }
    const computed = Object.entries(sync.mapping).filter(([, source]) => COMPUTED_SOURCE.test(source));
    if (computed.length === 0) return { members, warnings: [] };
    // one pass per key over the segment's members (its primary key), stopping at the first member holding a value
    const { rows: missing } = await this.pool.query<{ source: string }>(
      `SELECT source FROM unnest($2::text[]) AS source
        WHERE NOT EXISTS (SELECT 1 FROM segment_members m JOIN profiles p USING (profile_id) WHERE m.segment_id = $1 AND p.computed ? source)`,
      [sync.segmentId, [...new Set(computed.map(([, source]) => source))]],
    );
    const absent = new Set(missing.map((row) => row.source));
    return {
      members,
      warnings: computed
        .filter(([, source]) => absent.has(source))
        .map(([name, source]) => ({
          path: jsonPointer('/mapping', name),
          message: `no member of the segment has a value for ${source}: no computed trait or prediction defines it, or none has been computed for them yet; ${name} is left out of what is sent`,
        })),
    };
  }
}
