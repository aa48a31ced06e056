/** The coordinator answers with Kafka's error codes; one numbering for the whole broker. */
export { ErrorCode as GroupErrorCode } from '../protocol/error-codes';
