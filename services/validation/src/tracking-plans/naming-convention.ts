/** Event-name conventions a tracking plan can enforce (Segment Protocols / Avo style). */
export const NAMING_CONVENTIONS = {
  /** "Order Completed": capitalised words separated by single spaces (acronyms allowed). */
  title_case: /^[A-Z0-9][A-Za-z0-9]*( [A-Z0-9][A-Za-z0-9]*)*$/,
  /** "order_completed" */
  snake_case: /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/,
  /** "orderCompleted" */
  camel_case: /^[a-z][a-z0-9]*([A-Z][a-z0-9]*)*$/,
  /** "OrderCompleted" */
  pascal_case: /^[A-Z][a-z0-9]*([A-Z][a-z0-9]*)*$/,
  /** "order-completed" */
  kebab_case: /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/,
  /** "Order completed" */
  sentence_case: /^[A-Z][a-z0-9]*( [a-z0-9]+)*$/,
} as const;

export type NamingConvention = keyof typeof NAMING_CONVENTIONS;

export const NAMING_CONVENTION_NAMES = Object.keys(NAMING_CONVENTIONS) as NamingConvention[];

export function followsConvention(name: string, convention: NamingConvention): boolean {
  return NAMING_CONVENTIONS[convention].test(name);
}
