import { Inject, Injectable } from '@nestjs/common';
import { withPgTransaction, type Pool } from '@tessera/persistence';
import { SERVICE_PG_POOL } from '@tessera/service-kit';
import { loadMoneyContext } from '../storage/money-context-reader';
import type { CurrencyRate } from '../survivorship/lifetime-value';

export interface CurrencyRatesView {
  reportingCurrency: string;
  /** Every stored rate into the reporting currency, newest day first per currency; `current` marks the one in use. */
  rates: Array<CurrencyRate & { current: boolean }>;
}

export interface PutCurrencyRates {
  reportingCurrency?: string;
  rates: CurrencyRate[];
}

/** The admin-managed rate table and reporting currency, in the merger's schema. */
@Injectable()
export class CurrencyRateRepository {
  constructor(@Inject(SERVICE_PG_POOL) private readonly pool: Pool) {}

  async view(): Promise<CurrencyRatesView> {
    return withPgTransaction(this.pool, async (client) => {
      await client.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
      const money = await loadMoneyContext(client);
      const { rows } = await client.query<{ currency: string; rate: string; rate_date: string }>(
        `SELECT currency, rate::text AS rate, to_char(rate_date, 'YYYY-MM-DD') AS rate_date FROM currency_rates
          WHERE quote_currency = $1 ORDER BY currency, rate_date DESC`,
        [money.reportingCurrency],
      );
      return {
        reportingCurrency: money.reportingCurrency,
        rates: rows.map((row) => ({
          currency: row.currency,
          rate: Number(row.rate),
          date: row.rate_date,
          current: money.rates.get(row.currency)?.date === row.rate_date,
        })),
      };
    });
  }

  /** Sets the reporting currency (when given) and upserts the rates into it, in one transaction. */
  async put(body: PutCurrencyRates): Promise<CurrencyRatesView> {
    await withPgTransaction(this.pool, async (client) => {
      if (body.reportingCurrency) {
        await client.query(
          `INSERT INTO reporting_currency (singleton, currency) VALUES (true, $1)
           ON CONFLICT (singleton) DO UPDATE SET currency = EXCLUDED.currency, updated_at = now()`,
          [body.reportingCurrency],
        );
      }
      const quote = (await loadMoneyContext(client)).reportingCurrency;
      if (body.rates.length === 0) return;
      await client.query(
        `INSERT INTO currency_rates (quote_currency, currency, rate_date, rate)
         SELECT $1, c, d::date, r::numeric FROM unnest($2::text[], $3::text[], $4::text[]) AS x(c, d, r)
         ON CONFLICT (quote_currency, currency, rate_date) DO UPDATE SET rate = EXCLUDED.rate, updated_at = now()`,
        [quote, body.rates.map((r) => r.currency), body.rates.map((r) => r.date), body.rates.map((r) => String(r.rate))],
      );
    });
    return this.view();
  }
}
