import type { ConfigProblem } from '../destination';

export interface GoogleCustomerMatchConfig {
  /** The Google Ads customer id that owns the list: 10 digits, or as the Google Ads UI shows it (123-456-7890). */
  customerId: string;
  /** The Customer Match user list id. */
  userListId: string;
  /** A manager account id when the credentials reach the customer through it (login-customer-id header), same forms. */
  loginCustomerId?: string;
  /** Google Ads API version. Default v21. */
  apiVersion?: string;
  /** Default https://googleads.googleapis.com; tests point it at a local server. */
  baseUrl?: string;
  /** ISO 3166 alpha-2 country for phone numbers written without a country code. */
  defaultCountry?: string;
  /** EU user consent sent with the job (Customer Match requires it for EEA users). */
  consent?: { adUserData: 'GRANTED' | 'DENIED'; adPersonalization: 'GRANTED' | 'DENIED' };
  /** Operations per request. Default 10,000. */
  batchSize?: number;
  timeoutMs?: number;
  /** Where refresh tokens are exchanged. Default https://oauth2.googleapis.com/token. */
  tokenUrl?: string;
}

export interface GoogleCustomerMatchSecrets {
  developerToken: string;
  /** A current OAuth 2 access token with the adwords scope (lapses after an hour)... */
  accessToken?: string;
  /** ...or the refresh-token grant's three values, from which access tokens are obtained and renewed. */
  oauthClientId?: string;
  oauthClientSecret?: string;
  oauthRefreshToken?: string;
}

export const GOOGLE_DEFAULTS = {
  apiVersion: 'v21',
  baseUrl: 'https://googleads.googleapis.com',
  maxBatchSize: 10_000,
  timeoutMs: 60_000,
} as const;

/** Ten digits; the API takes them bare, the Google Ads UI shows them as 123-456-7890, and users paste either. */
const CUSTOMER_ID = '^(\\d{10}|\\d{3}-\\d{3}-\\d{4})$';

/** A customer id as the API takes it: digits only. */
export const bareCustomerId = (id: string): string => id.replace(/-/g, '');

const consentValue = { type: 'string', enum: ['GRANTED', 'DENIED'] } as const;

export const googleCustomerMatchConfigSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['customerId', 'userListId'],
  properties: {
    customerId: { type: 'string', pattern: CUSTOMER_ID },
    userListId: { type: 'string', pattern: '^\\d{1,20}$' },
    loginCustomerId: { type: 'string', pattern: CUSTOMER_ID },
    apiVersion: { type: 'string', pattern: '^v\\d+$' },
    baseUrl: { type: 'string', format: 'uri', pattern: '^https?://' },
    defaultCountry: { type: 'string', pattern: '^[A-Z]{2}$' },
    consent: {
      type: 'object',
      additionalProperties: false,
      required: ['adUserData', 'adPersonalization'],
      properties: { adUserData: consentValue, adPersonalization: consentValue },
    },
    batchSize: { type: 'integer', minimum: 1, maximum: GOOGLE_DEFAULTS.maxBatchSize },
    timeoutMs: { type: 'integer', minimum: 1_000, maximum: 300_000 },
    tokenUrl: { type: 'string', format: 'uri', pattern: '^https?://' },
  },
} as const;

export const googleCustomerMatchSecretsSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['developerToken'],
  properties: {
    developerToken: { type: 'string', minLength: 10 },
    accessToken: { type: 'string', minLength: 10 },
    oauthClientId: { type: 'string', minLength: 1 },
    oauthClientSecret: { type: 'string', minLength: 1 },
    oauthRefreshToken: { type: 'string', minLength: 1 },
  },
} as const;

const REFRESH_SECRETS = ['oauthClientId', 'oauthClientSecret', 'oauthRefreshToken'] as const;

/** Either a fixed access token or all three refresh-grant values. */
export function googleSecretsProblems(secrets: GoogleCustomerMatchSecrets): ConfigProblem[] {
  const given = REFRESH_SECRETS.filter((k) => secrets[k]);
  if (given.length === 0) {
    return secrets.accessToken
      ? []
      : [{ path: '/secrets/accessToken', message: 'is required (or oauthClientId, oauthClientSecret and oauthRefreshToken)' }];
  }
  return REFRESH_SECRETS.filter((k) => !secrets[k]).map((k) => ({
    path: `/secrets/${k}`,
    message: 'is required with the other OAuth refresh-token secrets',
  }));
}
