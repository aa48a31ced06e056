/** The service did not answer at all (refused, reset, unknown host), as opposed to answering an error. */
export class ServiceUnreachableError extends Error {}
