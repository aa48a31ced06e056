import { randomUUID } from 'node:crypto';
import { BadRequestException, ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { encode, Topics, type MovedItem } from '@tessera/contracts';
import { inTransaction, lockWriterLane, writeOutbox, type SqlExecutor } from '@tessera/kafka';
import type { Pool } from '@tessera/persistence';
import { SERVICE_PG_POOL } from '@tessera/service-kit';
import { identifierLockKey, profileLockKey, sortedDistinct } from '../graph/identity-lock-keys';
import { formatIdentifier, identifierKey, IdentifierTypes, type Identifier } from '../resolution/identifier';
import { emailHashOf } from '../resolution/identifier-extractor';
import { itemIdentifierKey } from '../resolution/item-identifier-key';

export interface SplitResult {
  changeId: string;
  profileId: string;
  newProfileId: string;
  identifiers: Identifier[];
  /** Each moved item as (sourceId, messageId): two sources may reuse a messageId. */
  movedItems: MovedItem[];
  /** The distinct messageIds of movedItems, for readers of cdp.identity.merges v1. */
  movedMessageIds: string[];
}

/**
 * POST /v1/profiles/:id/split: the undo of a wrong merge. In one transaction, under the same sorted locks the
 * resolver takes (identifiers, then the profile): the identifiers move to a new profile, the two profiles are
 * marked separated (no later item merges them again), the split is logged, and a `split` IdentityChange listing
 * the moved identifiers and the (sourceId, messageId) of the items that now belong to the new profile goes to the outbox,
 * for the profile merger to rebuild both. An item moves when every identifier it linked moves; an item that
 * also linked an identifier that stays (typically the one that caused the wrong merge) stays.
 */
@Injectable()
export class ProfileSplitService {
  constructor(@Inject(SERVICE_PG_POOL) private readonly pool: Pool) {}

  split(profileId: string, identifiers: readonly Identifier[], detail: string | null): Promise<SplitResult> {
    const requested = distinct(identifiers);
    if (requested.length === 0) throw new BadRequestException('identifiers must name at least one identifier to move');
    // An email's hash came with it (identifier-extractor.ts) and is the same person's: it moves along when the
    // profile holds it, else every item that brought the email would also hold the hash and stay behind.
    const derived = requested.filter((i) => i.type === IdentifierTypes.Email).flatMap((i) => emailHashOf(i.value) ?? []);
    const asked = distinct([...requested, ...derived]);
    return inTransaction(this.pool, async (tx) => {
      await this.lock(tx, sortedDistinct(asked.map(identifierLockKey)));
      await this.lock(tx, [profileLockKey(profileId)]);

      const { rows: profiles } = await tx.query<{ merged_into: string | null }>('SELECT merged_into FROM profiles WHERE profile_id = $1', [
        profileId,
      ]);
      if (!profiles[0]) throw new NotFoundException(`profile ${profileId} is unknown`);
      if (profiles[0].merged_into)
        throw new ConflictException(`profile ${profileId} was merged into ${profiles[0].merged_into}; split that profile instead`);

      const { rows: owned } = await tx.query<{ identifier_type: string; value: string }>(
        `SELECT i.identifier_type, i.value FROM unnest($1::text[], $2::text[]) AS k(identifier_type, value)
           JOIN identifiers i ON i.identifier_type = k.identifier_type AND i.value = k.value WHERE i.profile_id = $3`,
        [asked.map((i) => i.type), asked.map((i) => i.value), profileId],
      );
      const ownedKeys = new Set(owned.map((row) => identifierKey({ type: row.identifier_type, value: row.value })));
      const foreign = requested.filter((identifier) => !ownedKeys.has(identifierKey(identifier)));
      if (foreign.length > 0)
        throw new BadRequestException(`not identifiers of profile ${profileId}: ${foreign.map(formatIdentifier).join(', ')}`);
      const moved = asked.filter((identifier) => ownedKeys.has(identifierKey(identifier)));
      const types = moved.map((i) => i.type);
      const values = moved.map((i) => i.value);
      const { rows: counts } = await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM identifiers WHERE profile_id = $1', [
        profileId,
      ]);
      if (counts[0].n <= moved.length) {
        const along = moved.length > requested.length ? ' (an email takes its email_sha256 along)' : '';
        throw new BadRequestException(`a split must leave at least one identifier on the profile${along}`);
      }

      const newProfileId = randomUUID();
      const at = new Date();
      await tx.query('INSERT INTO profiles (profile_id, created_at) VALUES ($1, $2)', [newProfileId, at]);
      await tx.query(
        `UPDATE identifiers SET profile_id = $3 FROM unnest($1::text[], $2::text[]) AS k(identifier_type, value)
          WHERE identifiers.identifier_type = k.identifier_type AND identifiers.value = k.value`,
        [types, values, newProfileId],
      );
      const movedItems = await this.movedItems(tx, moved);
      const movedMessageIds = [...new Set(movedItems.map((item) => item.messageId))];
      await tx.query('INSERT INTO profile_separations (profile_id, other_profile_id) VALUES ($1, $2), ($2, $1)', [profileId, newProfileId]);

      const changeId = randomUUID();
      const plain = moved.map(({ type, value }) => ({ type, value }));
      await tx.query(
        `INSERT INTO merge_log (change_id, kind, survivor_profile_id, absorbed_profile_id, rule, causing_message_id, identifiers, detail, at)
         VALUES ($1, 'split', $2, $3, 'manual_split', NULL, $4, $5, $6)`,
        [changeId, profileId, newProfileId, JSON.stringify(plain), detail, at],
      );
      const change = encode(Topics.IdentityMerges, {
        changeId,
        kind: 'split',
        survivorProfileId: profileId,
        absorbedProfileId: newProfileId,
        rule: 'manual_split',
        causingMessageId: null,
        identifiers: plain,
        movedMessageIds,
        movedItems,
        detail,
        at: at.getTime(),
      });
      await writeOutbox(tx, await lockWriterLane(tx, 'profile-split'), [
        { topic: Topics.IdentityMerges, message: { key: profileId, value: change } },
      ]);
      return { changeId, profileId, newProfileId, identifiers: plain, movedItems, movedMessageIds };
    });
  }

  /** Items that linked at least one moved identifier and nothing that stays. */
  private async movedItems(tx: SqlExecutor, moved: readonly Identifier[]): Promise<MovedItem[]> {
    const movedKeys = moved.map(itemIdentifierKey);
    const movedSet = new Set(movedKeys);
    const { rows } = await tx.query<{ source_id: string; message_id: string; identifier_keys: string[] }>(
      'SELECT source_id, message_id, identifier_keys FROM resolved_items WHERE identifier_keys ?| $1::text[] ORDER BY resolved_at, message_id, source_id',
      [movedKeys],
    );
    return rows
      .filter((row) => row.identifier_keys.every((key) => movedSet.has(key)))
      .map((row) => ({ sourceId: row.source_id, messageId: row.message_id }));
  }

  private async lock(tx: SqlExecutor, keys: readonly bigint[]): Promise<void> {
    await tx.query('SELECT pg_advisory_xact_lock(k) FROM unnest($1::bigint[]) AS k', [keys.map(String)]);
  }
}

function distinct(identifiers: readonly Identifier[]): Identifier[] {
  return [...new Map(identifiers.map((identifier) => [identifierKey(identifier), identifier])).values()];
}
