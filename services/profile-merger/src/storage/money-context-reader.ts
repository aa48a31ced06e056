import type { SqlExecutor } from '@tessera/kafka';
import { DEFAULT_REPORTING_CURRENCY, type CurrencyRate, type MoneyContext } from '../survivorship/lifetime-value';

/**
 * The reporting currency and the newest rate of each currency into it, read in the caller's transaction: one
 * index range per currency (currency_rates' primary key), a few hundred rows at most.
 */
export async function loadMoneyContext(db: SqlExecutor): Promise<MoneyContext> {
  const { rows } = await db.query<{ reporting: string; currency: string | null; rate: string | null; rate_date: string | null }>(
    `WITH rc AS (SELECT COALESCE((SELECT currency FROM reporting_currency), $1) AS currency)
     SELECT rc.currency AS reporting, r.currency, r.rate::text AS rate, to_char(r.rate_date, 'YYYY-MM-DD') AS rate_date
       FROM rc LEFT JOIN LATERAL (
         SELECT DISTINCT ON (currency) currency, rate, rate_date FROM currency_rates
          WHERE quote_currency = rc.currency ORDER BY currency, rate_date DESC) r ON true`,
    [DEFAULT_REPORTING_CURRENCY],
  );
  const rates = new Map<string, CurrencyRate>();
  for (const row of rows)
    if (row.currency !== null && row.rate !== null && row.rate_date !== null)
      rates.set(row.currency, { currency: row.currency, rate: Number(row.rate), date: row.rate_date });
  return { reportingCurrency: rows[0]?.reporting ?? DEFAULT_REPORTING_CURRENCY, rates };
}
