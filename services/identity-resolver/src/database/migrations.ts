import { KafkaRuntimeTables1732230000000 } from '@tessera/service-kit';
import { AliasRenames1732800000300 } from './alias-renames.migration';
import { IdentitySplitTables1732400000001 } from './identity-split-tables.migration';
import { IdentityTables1732400000000 } from './identity-tables.migration';
import { ResolvedItemsCheaperWrites1732700000200 } from './resolved-items-cheaper-writes.migration';

/** Applied in order at start, inside this service's own schema. Append new migrations; never edit applied ones. */
export const IDENTITY_RESOLVER_MIGRATIONS = [
  KafkaRuntimeTables1732230000000,
  IdentityTables1732400000000,
  IdentitySplitTables1732400000001,
  ResolvedItemsCheaperWrites1732700000200,
  AliasRenames1732800000300,
];
