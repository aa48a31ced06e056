export * from './group-coordinator';
export * from './group-coordinator-options';
export * from './group-describer';
export * from './group-error-codes';
export * from './group-offset-manager';
export * from './group-state';
export * from './group-types';
