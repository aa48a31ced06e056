import { isCalendarDate } from '@tessera/contracts';
import { ok } from '@tessera/kafka';
import type { EventDraft, JsonObject, Step } from '../pipeline-types';

/** Segment's reserved date traits, and the semantic tag the merger files a birthday under. */
const DATE_TRAITS = ['birthday', 'birthdate', 'createdAt'] as const;
/** A year-first date, alone or starting a date-time: the one order that cannot be misread. */
const YEAR_FIRST = /^(\d{4})[-/](\d{2})[-/](\d{2})(?![0-9])/;

function checkDates(path: string, holder: JsonObject, draft: EventDraft): void {
  for (const name of DATE_TRAITS) {
    const value = Object.hasOwn(holder, name) ? holder[name] : undefined;
    const ymd = typeof value === 'string' ? YEAR_FIRST.exec(value.trim()) : null;
    if (ymd === null || isCalendarDate(Number(ymd[1]), Number(ymd[2]), Number(ymd[3]))) continue;
    delete holder[name];
    draft.violations.push({
      reason: 'other',
      detail: `${path}.${name} ${JSON.stringify(value).slice(0, 60)} is not a real date; removed`,
      path: `${path}.${name}`,
    });
  }
}

/**
 * A birthday (or createdAt) that names no real day (`1990-02-30`) is removed and flagged, never kept: readers
 * that parse it as JavaScript does would roll it over to March 2, and segment rules on it would fire on the wrong
 * day. The event and its other traits pass (an input-validation finding, Amperity style, not a rejection). Valid
 * dates and forms whose day and month order cannot be known (`03/02/1990`) are left as sent.
 */
export function traitDatesStep(): Step<EventDraft> {
  return (draft) => {
    // a group call's traits are the account's (Segment's group spec), never a person's birthday
    if (draft.traits && draft.type !== 'group') checkDates('traits', draft.traits, draft);
    const contextTraits = draft.context?.traits;
    if (contextTraits && typeof contextTraits === 'object' && !Array.isArray(contextTraits))
      checkDates('context.traits', contextTraits as JsonObject, draft);
    return ok(draft);
  };
}
