export * from './record-batch-layout';
export { RecordBatchView, incrementSequence } from './record-batch-view';
export { RecordBatchIterator, checkBatchFraming, type BatchFramingProblem } from './record-batch-iterator';
export { findFirstRecordAtOrAfter } from './record-timestamp-search';
