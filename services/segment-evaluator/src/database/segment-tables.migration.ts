import type { MigrationInterface, QueryRunner } from '@tessera/persistence';

/**
 * The evaluator's own state, in its own schema:
 * - segment_definitions (the live version) and segment_versions (every version ever saved, never edited);
 * - profiles: the projection of cdp.profiles.changed (flat values, identifiers, test label, merge status); also the
 *   row every evaluation of a profile locks, so consumers, the due-timer scheduler and backfills never interleave;
 * - profile_events: the event history rules read, within SEGMENTS_EVENT_HISTORY_DAYS;
 * - memberships and due_timers (the next instant a (profile, segment) decision could change with no new input);
 * - segment_backfills: progress of computing a new or edited segment over every existing profile.
 */
export class SegmentTables1733400000000 implements MigrationInterface {
  name = 'SegmentTables1733400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE segment_definitions (
        segment_id text COLLATE "C" PRIMARY KEY,
        name text NOT NULL,
        description text NULL,
        rule jsonb NOT NULL,
        include_test_profiles boolean NOT NULL DEFAULT false,
        version integer NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        deleted_at timestamptz NULL
      )`);
    await q.query(`
      CREATE TABLE segment_versions (
        segment_id text COLLATE "C" NOT NULL,
        version integer NOT NULL,
        name text NOT NULL,
        description text NULL,
        rule jsonb NOT NULL,
        include_test_profiles boolean NOT NULL,
        saved_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (segment_id, version)
      )`);
    await q.query(`
      CREATE TABLE profiles (
        profile_id text COLLATE "C" PRIMARY KEY,
        version bigint NOT NULL DEFAULT 0,
        status text NOT NULL DEFAULT 'active',
        merged_into text NULL,
        vals jsonb NOT NULL DEFAULT '{}',
        identifiers jsonb NOT NULL DEFAULT '[]',
        is_test boolean NOT NULL DEFAULT false
      )`);
    await q.query(`
      CREATE TABLE profile_events (
        profile_id text COLLATE "C" NOT NULL,
        message_id text COLLATE "C" NOT NULL,
        name text NOT NULL,
        at_ms bigint NOT NULL,
        properties jsonb NOT NULL,
        PRIMARY KEY (profile_id, message_id)
      )`);
    await q.query('CREATE INDEX profile_events_age_idx ON profile_events (profile_id, at_ms)');
    await q.query(`
      CREATE TABLE memberships (
        segment_id text COLLATE "C" NOT NULL,
        profile_id text COLLATE "C" NOT NULL,
        segment_version integer NOT NULL,
        entered_at_ms bigint NOT NULL,
        reason text NULL,
        PRIMARY KEY (segment_id, profile_id)
      )`);
    await q.query('CREATE INDEX memberships_profile_idx ON memberships (profile_id)');
    await q.query(`
      CREATE TABLE due_timers (
        profile_id text COLLATE "C" NOT NULL,
        segment_id text COLLATE "C" NOT NULL,
        due_at_ms bigint NOT NULL,
        PRIMARY KEY (profile_id, segment_id)
      )`);
    await q.query('CREATE INDEX due_timers_due_idx ON due_timers (due_at_ms)');
    await q.query(`
      CREATE TABLE segment_backfills (
        segment_id text COLLATE "C" NOT NULL,
        version integer NOT NULL,
        state text NOT NULL DEFAULT 'pending',
        cursor_profile_id text COLLATE "C" NULL,
        done integer NOT NULL DEFAULT 0,
        total integer NOT NULL,
        started_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz NULL,
        PRIMARY KEY (segment_id, version)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'segment_backfills',
      'due_timers',
      'memberships',
      'profile_events',
      'profiles',
      'segment_versions',
      'segment_definitions',
    ]) {
      await q.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
