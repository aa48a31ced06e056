import type { MigrationInterface, QueryRunner } from '@tessera/persistence';

/**
 * The dispatcher's own state, in its own schema:
 * - destinations (config returned by the API; secrets write-only) and syncs (segment -> destination, mode, mapping);
 * - profiles: the projection of cdp.profiles.changed that sends are checked against (identifiers, traits, consent,
 *   test label, merge status);
 * - segment_members: the projection of cdp.segments.membership (who is in each segment now), for upserts and mirrors;
 * - sync_members: what Tessera last told each destination per sync, so mirrors can diff and a consent withdrawal can
 *   send a remove for destinations that cannot list their contents;
 * - suppressions: per-destination do-not-send lists;
 * - deliveries: one row per record to send, keyed by its idempotency key; `seq` orders them per (destination, profile);
 *   status pending | delivered | failed | suppressed | dead (dead = in the destination's DLQ, replayable);
 * - delivery_attempts: every attempt, for the delivery log.
 */
export class ActivationTables1733500000000 implements MigrationInterface {
  name = 'ActivationTables1733500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE destinations (
        destination_id text COLLATE "C" PRIMARY KEY,
        name text NOT NULL,
        kind text NOT NULL,
        config jsonb NOT NULL DEFAULT '{}',
        secrets jsonb NOT NULL DEFAULT '{}',
        required_consent text[] NOT NULL DEFAULT '{}',
        max_attempts integer NOT NULL DEFAULT 20,
        max_age_seconds integer NOT NULL DEFAULT 86400,
        concurrency integer NOT NULL DEFAULT 4,
        rate_per_second double precision NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        deleted_at timestamptz NULL
      )`);
    await q.query(`
      CREATE TABLE syncs (
        sync_id text COLLATE "C" PRIMARY KEY,
        segment_id text COLLATE "C" NOT NULL,
        destination_id text COLLATE "C" NOT NULL REFERENCES destinations (destination_id),
        mode text NOT NULL,
        mapping jsonb NOT NULL DEFAULT '{}',
        schedule_seconds integer NULL,
        enabled boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        deleted_at timestamptz NULL
      )`);
    await q.query('CREATE INDEX syncs_segment_idx ON syncs (segment_id) WHERE deleted_at IS NULL');
    await q.query(`
      CREATE TABLE profiles (
        profile_id text COLLATE "C" PRIMARY KEY,
        version bigint NOT NULL DEFAULT 0,
        status text NOT NULL DEFAULT 'active',
        merged_into text NULL,
        traits jsonb NOT NULL DEFAULT '{}',
        identifiers jsonb NOT NULL DEFAULT '{}',
        consent jsonb NOT NULL DEFAULT '{}',
        is_test boolean NOT NULL DEFAULT false
      )`);
    await q.query(`
      CREATE TABLE segment_members (
        segment_id text COLLATE "C" NOT NULL,
        profile_id text COLLATE "C" NOT NULL,
        segment_version integer NOT NULL,
        entered_at timestamptz NOT NULL,
        PRIMARY KEY (segment_id, profile_id)
      )`);
    await q.query('CREATE INDEX segment_members_profile_idx ON segment_members (profile_id)');
    await q.query(`
      CREATE TABLE sync_members (
        sync_id text COLLATE "C" NOT NULL,
        profile_id text COLLATE "C" NOT NULL,
        present boolean NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (sync_id, profile_id)
      )`);
    await q.query(`
      CREATE TABLE suppressions (
        destination_id text COLLATE "C" NOT NULL,
        kind text NOT NULL,
        value text NOT NULL,
        reason text NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (destination_id, kind, value)
      )`);
    await q.query(`
      CREATE TABLE deliveries (
        delivery_id text COLLATE "C" PRIMARY KEY,
        seq bigserial NOT NULL,
        destination_id text COLLATE "C" NOT NULL,
        sync_id text COLLATE "C" NOT NULL,
        profile_id text COLLATE "C" NOT NULL,
        segment_id text COLLATE "C" NULL,
        action text NOT NULL,
        payload jsonb NOT NULL,
        status text NOT NULL DEFAULT 'pending',
        reason text NULL,
        attempts integer NOT NULL DEFAULT 0,
        batch_id text NULL,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz NULL
      )`);
    await q.query(`CREATE INDEX deliveries_due_idx ON deliveries (destination_id, next_attempt_at) WHERE status = 'pending'`);
    await q.query('CREATE INDEX deliveries_order_idx ON deliveries (destination_id, profile_id, seq)');
    await q.query('CREATE INDEX deliveries_profile_idx ON deliveries (profile_id, created_at)');
    await q.query(`CREATE INDEX deliveries_dead_idx ON deliveries (destination_id, updated_at) WHERE status = 'dead'`);
    await q.query(`
      CREATE TABLE delivery_attempts (
        delivery_id text COLLATE "C" NOT NULL,
        attempt integer NOT NULL,
        batch_id text NULL,
        started_at timestamptz NOT NULL,
        finished_at timestamptz NOT NULL,
        outcome text NOT NULL,
        http_status integer NULL,
        error text NULL,
        PRIMARY KEY (delivery_id, attempt)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'delivery_attempts',
      'deliveries',
      'suppressions',
      'sync_members',
      'segment_members',
      'profiles',
      'syncs',
      'destinations',
    ]) {
      await q.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
