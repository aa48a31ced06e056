import type { MigrationInterface, QueryRunner } from '@tessera/persistence';

/**
 * The dispatcher's own state, in its own schema (one migration: the project is unreleased, so the six that grew it
 * were squashed into this one):
 * - destinations (config returned by the API; secrets write-only; batch_size capped by the adapter's own maximum) and
 *   syncs (segment -> destination, mode, mapping; last_mirrored_at for the mirror scheduler);
 * - profiles: the projection of cdp.profiles.changed and cdp.profiles.computed that sends are checked against
 *   (identifiers, traits, computed traits, consent, test label, merge status);
 * - segment_members: the projection of cdp.segments.membership (who is in each segment now), for upserts and mirrors;
 * - sync_members: what Tessera last told each destination per sync, so mirrors can diff and a consent withdrawal can
 *   send a remove for destinations that cannot list their contents; the consumer reads a slice's profiles' rows,
 *   present or not, by profile;
 * - suppressions: per-destination do-not-send lists;
 * - deliveries: one row per record to send, keyed by its idempotency key; `seq` orders them per (destination, profile);
 *   status pending | delivered | failed | suppressed | dead (dead = in the destination's DLQ, replayable). A claim
 *   commits a lease (lease_until, lease_token) before the send, so a worker killed mid-send leaves rows that become
 *   claimable when it runs out, and a stale worker's late outcome is fenced off by the token. A replay gives a fresh
 *   attempt and age budget (replayed_at, attempts_at_replay) while attempt numbers keep counting. withdrawn_reason
 *   marks a pending add or upsert that lost its permission while leased: it may be on the wire, so its send finishes,
 *   and if it does not deliver it becomes `suppressed` with this reason instead of being retried;
 * - delivery_attempts: every attempt, for the delivery log (both tables pruned by retention/: the README's "Retention");
 * - destination_delivery_state: the last error and success per destination, so every replica's status API agrees.
 *
 * A delivery row is written three times (insert, lease, outcome), and the lease and the outcome are not HOT (they
 * change batch_id and status, which the queue's partial indexes name): each version writes an entry into every index
 * it matches, so the indexes are only those a query needs, most of them over the pending rows alone (the README's
 * table says which query reads which). delivery_attempts leaves a fifth of each page free, so the outcome's update of
 * the `in_flight` attempt row can stay on its page and skip the primary key (HOT).
 */
export class ActivationSchema1734200000000 implements MigrationInterface {
  name = 'ActivationSchema1734200000000';

  async up(q: QueryRunner): Promise<void> {
    // A schema made by the migrations squashed here has these tables but not this migration's row: say what to do
    // instead of failing on the first CREATE TABLE.
    await q.query(`DO $$ BEGIN
       IF to_regclass(quote_ident(current_schema()) || '.destinations') IS NOT NULL THEN
         RAISE EXCEPTION 'schema % holds the activation tables of an earlier Tessera version: drop the schema (or remove the dev data directory, TESSERA_DATA_DIR)', current_schema();
       END IF;
     END $$`);
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
        batch_size integer NOT NULL DEFAULT 100,
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
        last_mirrored_at timestamptz NULL,
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
        is_test boolean NOT NULL DEFAULT false,
        computed jsonb NOT NULL DEFAULT '{}'
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
    await q.query('CREATE INDEX sync_members_profile_idx ON sync_members (profile_id)');
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
        withdrawn_reason text NULL,
        attempts integer NOT NULL DEFAULT 0,
        batch_id text NULL,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        lease_until timestamptz NULL,
        lease_token text NULL,
        replayed_at timestamptz NULL,
        attempts_at_replay integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz NULL
      )`);
    await q.query(`CREATE INDEX deliveries_pending_order_idx ON deliveries (destination_id, profile_id, seq) WHERE status = 'pending'`);
    await q.query(
      `CREATE INDEX deliveries_unbatched_idx ON deliveries (destination_id, seq) WHERE status = 'pending' AND batch_id IS NULL`,
    );
    await q.query(
      `CREATE INDEX deliveries_batch_idx ON deliveries (destination_id, batch_id) WHERE status = 'pending' AND batch_id IS NOT NULL`,
    );
    await q.query(`CREATE INDEX deliveries_due_idx ON deliveries (destination_id, next_attempt_at) WHERE status = 'pending'`);
    await q.query(`CREATE INDEX deliveries_dead_idx ON deliveries (destination_id, seq) WHERE status = 'dead'`);
    await q.query('CREATE INDEX deliveries_profile_idx ON deliveries (profile_id, created_at)');
    await q.query(`CREATE INDEX deliveries_sync_idx ON deliveries (sync_id, seq) WHERE status IN ('pending', 'failed', 'dead')`);
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
      ) WITH (fillfactor = 80)`);
    await q.query(`
      CREATE TABLE destination_delivery_state (
        destination_id text COLLATE "C" PRIMARY KEY,
        last_error text NULL,
        last_error_kind text NULL,
        last_error_status integer NULL,
        last_error_at timestamptz NULL,
        last_success_at timestamptz NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'destination_delivery_state',
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
