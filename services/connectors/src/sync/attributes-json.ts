import type { StreamPlan } from '../connections/stream-plan';

/** Each plan field's JSON key and colon (`"email":`), made once per plan: a plan is compiled once per run. */
const jsonKeys = new WeakMap<StreamPlan, string[]>();

/**
 * A record's attributes as JSON: the plan's fields the row has, in the plan's order, with `brand` (when not null)
 * as the `brand` field (in place, or last), and `scopedIdentifier` (when not null) as the identifier field's value.
 * The text is what JSON.stringify gives for that object (attributes-json.spec.ts), written field by field: building
 * that object by computed names and stringifying it was most of encodeRecord's time in the service's profile.
 */
export function attributesJson(
  plan: StreamPlan,
  data: Record<string, unknown>,
  brand: string | null,
  scopedIdentifier: string | null,
): string {
  let keys = jsonKeys.get(plan);
  if (keys === undefined) jsonKeys.set(plan, (keys = plan.fields.map((field) => `${JSON.stringify(field)}:`)));
  const { identifierField } = plan.settings;
  let json = '';
  let brandWritten = false;
  for (let i = 0; i < keys.length; i++) {
    const field = plan.fields[i];
    if (!Object.hasOwn(data, field)) continue;
    let value = data[field];
    if (brand !== null && field === 'brand') {
      value = brand;
      brandWritten = true;
    }
    if (scopedIdentifier !== null && field === identifierField) value = scopedIdentifier;
    // undefined, a function or a symbol: a property JSON.stringify leaves out
    const text = JSON.stringify(value) as string | undefined;
    if (text === undefined) continue;
    json += `${json === '' ? '{' : ','}${keys[i]}${text}`;
  }
  if (brand !== null && !brandWritten) json += `${json === '' ? '{' : ','}"brand":${JSON.stringify(brand)}`;
  return json === '' ? '{}' : `${json}}`;
}
