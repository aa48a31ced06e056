/**
 * The Nest token of the `DestinationCatalog` (libs/destinations) the dispatcher builds its adapters from. A string,
 * not a Symbol, so every module that names it means the same provider.
 */
export const DESTINATION_CATALOG = 'DESTINATION_CATALOG';
