import type { SqlExecutor } from '@tessera/kafka';

/**
 * The 1:1 best-email rule of survivorship/best-email-assignment.ts, in SQL, for the emails a slice touched:
 * 1. each email's owner is the active profile holding it as an `email` identifier, else the one with its best
 *    observation (priority, newest, greatest message id, smallest profile id), among active profiles;
 * 2. each affected profile's best email is the best-observed email it owns.
 * The UNIQUE (best_email) constraint is deferred to commit, so an email may move between profiles in one UPDATE.
 * Both statements probe by key whatever the statistics (slice-plans.int.spec.ts): an email's identifier holder is
 * one probe in a fenced LATERAL, not every email identifier read once and compared with each observation; and
 * each profile's best email is computed once in a fenced subquery, which the planner would otherwise pull up and
 * run twice per profile (once for IS DISTINCT FROM, once for SET).
 */
export class BestEmailAssigner {
  /** Profiles whose best email may change when these emails are re-decided: current owners and observers. */
  async affectedProfiles(tx: SqlExecutor, emails: readonly string[]): Promise<string[]> {
    if (emails.length === 0) return [];
    const { rows } = await tx.query<{ profile_id: string }>(
      `SELECT profile_id FROM email_owners WHERE email = ANY($1::text[])
       UNION SELECT profile_id FROM email_observations WHERE email = ANY($1::text[])`,
      [emails],
    );
    return rows.map((row) => row.profile_id);
  }

  /** Returns the profiles whose best email changed, with the new one (null: none left). */
  async reassign(tx: SqlExecutor, emails: readonly string[], profileIds: readonly string[]): Promise<Map<string, string | null>> {
    if (emails.length > 0) {
      await tx.query(
        `WITH ranked AS (
           SELECT DISTINCT ON (o.email) o.email, o.profile_id
           FROM email_observations o JOIN profiles p ON p.profile_id = o.profile_id AND p.status = 'active'
           LEFT JOIN LATERAL (SELECT profile_id FROM profile_identifiers WHERE id_type = 'email' AND id_value = o.email OFFSET 0) h ON true
           WHERE o.email = ANY($1::text[])
           ORDER BY o.email, (h.profile_id = o.profile_id) IS NOT TRUE, o.priority, o.occurred_at_ms DESC, o.message_id DESC, o.profile_id COLLATE "C")
         INSERT INTO email_owners AS w (email, profile_id) SELECT email, profile_id FROM ranked ORDER BY email
         ON CONFLICT (email) DO UPDATE SET profile_id = EXCLUDED.profile_id WHERE w.profile_id <> EXCLUDED.profile_id`,
        [[...emails].sort()],
      );
    }
    if (profileIds.length === 0) return new Map();
    const { rows } = await tx.query<{ profile_id: string; best_email: string | null }>(
      `UPDATE profiles p SET best_email = b.email, updated_at = now()
       FROM (
         SELECT ids.profile_id, (
           SELECT o.email FROM email_observations o JOIN email_owners w ON w.email = o.email AND w.profile_id = o.profile_id
           WHERE o.profile_id = ids.profile_id
           ORDER BY o.priority, o.occurred_at_ms DESC, o.message_id DESC LIMIT 1) AS email
         FROM unnest($1::text[]) AS ids(profile_id) OFFSET 0) b
       WHERE p.profile_id = b.profile_id AND p.best_email IS DISTINCT FROM b.email
       RETURNING p.profile_id, p.best_email`,
      [[...new Set(profileIds)].sort()],
    );
    return new Map(rows.map((row) => [row.profile_id, row.best_email]));
  }
}
