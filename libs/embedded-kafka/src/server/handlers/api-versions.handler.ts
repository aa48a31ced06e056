import { apiVersionsResponseBody, ErrorCode } from '../../protocol';
import type { RequestHandler } from '../request-handler';

/** Kafka's check on ApiVersions v3+ client software names and versions (KIP-511). */
const SOFTWARE_NAME = /^[a-zA-Z0-9](?:[a-zA-Z0-9\-.]*[a-zA-Z0-9])?$/;

export const handleApiVersions: RequestHandler = (_ctx, { header, body }) => {
  if (
    header.apiVersion >= 3 &&
    !(SOFTWARE_NAME.test(body.clientSoftwareName ?? '') && SOFTWARE_NAME.test(body.clientSoftwareVersion ?? ''))
  ) {
    return apiVersionsResponseBody(ErrorCode.INVALID_REQUEST);
  }
  return apiVersionsResponseBody();
};
