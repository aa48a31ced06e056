export * from './field-mapping';
