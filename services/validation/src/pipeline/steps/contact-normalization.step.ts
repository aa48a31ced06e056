import { ok } from '@tessera/kafka';
import type { EventDraft, JsonObject, Step, StepEnvironment } from '../pipeline-types';
import { normalizeEmails, normalizePhones } from './contact-normalizers';

/** Where Segment-spec events carry contact details. */
function contactHolders(draft: EventDraft): JsonObject[] {
  const holders: JsonObject[] = [];
  if (draft.traits) holders.push(draft.traits);
  if (draft.properties) holders.push(draft.properties);
  const contextTraits = draft.context?.traits;
  if (contextTraits && typeof contextTraits === 'object' && !Array.isArray(contextTraits)) holders.push(contextTraits as JsonObject);
  return holders;
}

export function phoneRegion(env: StepEnvironment): string {
  return env.settings?.defaultRegion ?? env.defaultPhoneRegion;
}

/**
 * Email trimmed and lower-cased, phone to E.164 in the source's default region, in traits, properties and
 * context.traits. Bad values are kept and counted for the input-validation report, never rejected.
 */
export function contactNormalizationStep(): Step<EventDraft> {
  return (draft, env) => {
    const region = phoneRegion(env);
    for (const holder of contactHolders(draft)) {
      if (holder.email !== undefined && holder.email !== null && holder.email !== '') {
        const emails = normalizeEmails(holder.email);
        holder.email = emails.value;
        env.observations.emailsSeen += emails.seen;
        env.observations.emailsValid += emails.valid;
      }
      if (holder.phone !== undefined && holder.phone !== null && holder.phone !== '') {
        const phones = normalizePhones(holder.phone, region);
        holder.phone = phones.value;
        env.observations.phonesSeen += phones.seen;
        env.observations.phonesValid += phones.valid;
      }
    }
    return ok(draft);
  };
}
