export * from './event-history';
export * from './rule';
export * from './rule-schema';
export * from './rule-evaluator';
export * from './rule-references';
export * from './segment-graph';
