export * from './group-coordinator';
export * from './group-describer';
export * from './group-error-codes';
export * from './group-offset-manager';
export * from './group-state';
export * from './group-types';
