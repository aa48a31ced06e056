export * from './logger-factory';
export * from './secret-redaction';
export * from './metric-naming';
export * from './metric-name.error';
export * from './metrics-registry';
export * from './service-metrics';
export { maskUrlPassword } from '@tessera/config';
export type { Registry, Counter, Gauge, Histogram, Summary } from 'prom-client';
export * from './counter-tally';
