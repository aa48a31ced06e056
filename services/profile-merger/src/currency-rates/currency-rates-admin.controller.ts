import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminOnly, JsonBodyValidator, invalidBody } from '@tessera/service-kit';
import { CurrencyRateRepository, type CurrencyRatesView, type PutCurrencyRates } from './currency-rate.repository';

const ISO_4217: ReadonlySet<string> = new Set(Intl.supportedValuesOf('currency'));
const CURRENCY = { type: 'string', pattern: '^[A-Z]{3}$' } as const;

const putBody = new JsonBodyValidator<PutCurrencyRates>({
  type: 'object',
  additionalProperties: false,
  required: ['rates'],
  properties: {
    reportingCurrency: CURRENCY,
    rates: {
      type: 'array',
      maxItems: 10_000,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['currency', 'date', 'rate'],
        properties: {
          currency: CURRENCY,
          date: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' },
          rate: { type: 'number', exclusiveMinimum: 0 },
        },
      },
    },
  },
});

function checkPut(input: unknown): PutCurrencyRates {
  const body = putBody.parse(input);
  const codes: Array<[string, string | undefined]> = [
    ['/reportingCurrency', body.reportingCurrency],
    ...body.rates.map((r, i): [string, string] => [`/rates/${i}/currency`, r.currency]),
  ];
  for (const [path, code] of codes) {
    if (code !== undefined && !ISO_4217.has(code)) throw invalidBody([{ path, message: `is not an ISO 4217 currency code: ${code}` }]);
  }
  for (const [i, rate] of body.rates.entries()) {
    const day = new Date(`${rate.date}T00:00:00Z`);
    if (Number.isNaN(day.getTime()) || day.toISOString().slice(0, 10) !== rate.date)
      throw invalidBody([{ path: `/rates/${i}/date`, message: `is not a calendar date: ${rate.date}` }]);
  }
  return body;
}

/**
 * The rate table lifetime value is converted with: `rate` units of the reporting currency per unit of `currency`,
 * for a day. The newest day of each currency is the rate in use, applied when a profile is read (so a new rate
 * shows on every profile's next read) and when a profile's change is published.
 */
@ApiTags('admin: currency rates')
@AdminOnly()
@Controller('v1/currency-rates')
export class CurrencyRatesAdminController {
  constructor(private readonly rates: CurrencyRateRepository) {}

  @Get()
  @ApiOperation({ summary: 'The reporting currency and every stored rate into it (current: the one in use)' })
  async list(): Promise<CurrencyRatesView> {
    return this.rates.view();
  }

  @Put()
  @ApiOperation({ summary: 'Upsert rates, e.g. {"reportingCurrency":"USD","rates":[{"currency":"EUR","date":"2026-12-01","rate":1.08}]}' })
  async put(@Body() body: unknown): Promise<CurrencyRatesView> {
    const checked = checkPut(body);
    if (checked.reportingCurrency === undefined && checked.rates.length === 0)
      throw invalidBody([{ path: '', message: 'names no reporting currency and no rate' }]);
    return this.rates.put(checked);
  }
}
