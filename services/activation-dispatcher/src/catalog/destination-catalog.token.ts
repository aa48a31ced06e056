/** Nest token of the DestinationCatalog (libs/destinations) every feature builds adapters and validates configs with. */
export const DESTINATION_CATALOG = Symbol('DESTINATION_CATALOG');
