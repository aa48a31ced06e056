import { compileStreamPlan, type StreamPlan, type StreamSettings } from '../connections/stream-plan';

/** A CRM `contacts` stream's plan (Email, Tier, End mapped; identifier Id), with `settings` over it: for unit specs. */
export function contactsPlan(settings: Partial<StreamSettings>): StreamPlan {
  const compiled = compileStreamPlan(
    {
      name: 'contacts',
      mapping: { Email: 'email', Tier: 'loyalty_tier', End: { to: 'contract_end', cast: 'date' } },
      identifierField: 'Id',
      ...settings,
    },
    '',
  );
  if (!('plan' in compiled)) throw new Error(compiled.problem.message);
  return compiled.plan;
}
