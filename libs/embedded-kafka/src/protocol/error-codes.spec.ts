import { ErrorCode } from './error-codes';

/** Spot checks of numbers clients map to behaviour (values from org.apache.kafka.common.protocol.Errors). */
describe('ErrorCode', () => {
  it.each([
    ['UNKNOWN_SERVER_ERROR', -1],
    ['NONE', 0],
    ['OFFSET_OUT_OF_RANGE', 1],
    ['CORRUPT_MESSAGE', 2],
    ['UNKNOWN_TOPIC_OR_PARTITION', 3],
    ['NOT_LEADER_OR_FOLLOWER', 6],
    ['MESSAGE_TOO_LARGE', 10],
    ['COORDINATOR_LOAD_IN_PROGRESS', 14],
    ['COORDINATOR_NOT_AVAILABLE', 15],
    ['NOT_COORDINATOR', 16],
    ['INVALID_TOPIC_EXCEPTION', 17],
    ['ILLEGAL_GENERATION', 22],
    ['INCONSISTENT_GROUP_PROTOCOL', 23],
    ['INVALID_GROUP_ID', 24],
    ['UNKNOWN_MEMBER_ID', 25],
    ['INVALID_SESSION_TIMEOUT', 26],
    ['REBALANCE_IN_PROGRESS', 27],
    ['UNSUPPORTED_VERSION', 35],
    ['TOPIC_ALREADY_EXISTS', 36],
    ['INVALID_PARTITIONS', 37],
    ['INVALID_REPLICATION_FACTOR', 38],
    ['INVALID_REQUEST', 42],
    ['OUT_OF_ORDER_SEQUENCE_NUMBER', 45],
    ['DUPLICATE_SEQUENCE_NUMBER', 46],
    ['INVALID_PRODUCER_EPOCH', 47],
    ['TRANSACTIONAL_ID_AUTHORIZATION_FAILED', 53],
    ['UNKNOWN_PRODUCER_ID', 59],
    ['GROUP_ID_NOT_FOUND', 69],
    ['MEMBER_ID_REQUIRED', 79],
    ['FENCED_INSTANCE_ID', 82],
    ['UNKNOWN_TOPIC_ID', 100],
    ['TRANSACTION_ABORTABLE', 120],
  ])('%s = %i', (name, code) => {
    expect(ErrorCode[name as keyof typeof ErrorCode]).toBe(code);
  });

  it('has one name per number', () => {
    const numbers = Object.values(ErrorCode).filter((v): v is number => typeof v === 'number');
    expect(new Set(numbers).size).toBe(numbers.length);
  });
});
