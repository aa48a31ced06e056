import type { ResolvedItem } from '@tessera/contracts';
import { identifyItem } from './test-items.fixture';

/** A resolved group call (test builder; only specs import it). `traits: null` sends none. */
export function groupItem(opts: {
  messageId: string;
  sourceId?: string;
  at: number;
  groupId: string;
  traits?: Record<string, unknown> | null;
  profileId?: string;
}): ResolvedItem {
  const base = identifyItem({
    messageId: opts.messageId,
    sourceId: opts.sourceId ?? 'web',
    at: opts.at,
    traits: {},
    profileId: opts.profileId,
  });
  return {
    ...base,
    event: {
      ...base.event!,
      type: 'group',
      groupId: opts.groupId,
      traits: opts.traits === null ? null : JSON.stringify(opts.traits ?? {}),
    },
  };
}
