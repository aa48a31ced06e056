import { KafkaRuntimeTables1732230000000 } from '@tessera/service-kit';
import { CampaignSummary1732500000002 } from './campaign-summary.migration';
import { CampaignTouchesBySource1733500000101 } from './campaign-touches-by-source.migration';
import { ExternalIdentifierTypes1732600000001 } from './external-identifier-types.migration';
import { GroupMemberships1732800000200 } from './group-memberships.migration';
import { ItemIdentityBySource1732800000100 } from './item-identity-by-source.migration';
import { OrderBook1733400000000 } from './order-book.migration';
import { OrderBookBackfill1733400000001 } from './order-book-backfill.migration';
import { ProfileItemsTable1732500000001 } from './profile-items-table.migration';
import { ProfileTables1732500000000 } from './profile-tables.migration';
import { SplitPendingMoves1732600000002 } from './split-pending-moves.migration';
import { SplitPendingMovesBySource1733500000100 } from './split-pending-moves-by-source.migration';
import { TimelineFromItemLog1732500000003 } from './timeline-from-item-log.migration';
import { TraitOriginAndSourceRegisters1733800000100 } from './trait-origin-and-source-registers.migration';

/** Applied in order at start, inside this service's own schema. Append new migrations; never edit applied ones. */
export const PROFILE_MERGER_MIGRATIONS = [
  KafkaRuntimeTables1732230000000,
  ProfileTables1732500000000,
  ProfileItemsTable1732500000001,
  CampaignSummary1732500000002,
  TimelineFromItemLog1732500000003,
  ExternalIdentifierTypes1732600000001,
  SplitPendingMoves1732600000002,
  ItemIdentityBySource1732800000100,
  GroupMemberships1732800000200,
  OrderBook1733400000000,
  OrderBookBackfill1733400000001,
  SplitPendingMovesBySource1733500000100,
  CampaignTouchesBySource1733500000101,
  TraitOriginAndSourceRegisters1733800000100,
];
