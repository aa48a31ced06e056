import { BadRequestException, Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Pool } from '@tessera/persistence';
import { SERVICE_PG_POOL } from '@tessera/service-kit';
import { parseInstant } from '../http/time-range';
import { ConnectionReportRepository, type ConnectionRejections } from './connection-report.repository';
import { emptyQualityCounts, type QualityCounts } from './quality-counters';
import { QualityReportRepository, type DailyQuality } from './quality-report.repository';

export interface SourceQualityReport {
  sourceId: string;
  totals: QualityCounts;
  /** Informative shares in [0, 1]; null when nothing of that kind was seen. No pass/fail. */
  shares: { validEmails: number | null; validPhones: number | null; wellFormedTransactions: number | null; rejected: number | null };
  days: Omit<DailyQuality, 'sourceId'>[];
}

const MAX_DAYS = 366;

/** Amperity-style input-validation report: what share of the input was usable, per source, over a time range. */
@ApiTags('reports')
@Controller('v1/reports')
export class QualityReportController {
  private readonly repository = new QualityReportRepository();
  private readonly connections = new ConnectionReportRepository();

  constructor(@Inject(SERVICE_PG_POOL) private readonly pool: Pool) {}

  @Get('input-validation')
  @ApiOperation({ summary: 'Share of valid emails, valid phones and well-formed transactions per source, by UTC day of receipt' })
  @ApiQuery({ name: 'sourceId', required: false })
  @ApiQuery({ name: 'from', required: false, description: 'first day (ISO-8601 date or instant); default 30 days ago' })
  @ApiQuery({ name: 'to', required: false, description: 'last day, inclusive; default today' })
  async report(@Query() query: Record<string, string | undefined>): Promise<{ from: string; to: string; sources: SourceQualityReport[] }> {
    const to = parseInstant('to', query.to) ?? Date.now();
    const from = parseInstant('from', query.from) ?? to - 29 * 86_400_000;
    if (from > to) throw new BadRequestException('from must not be after to');
    if (to - from > MAX_DAYS * 86_400_000) throw new BadRequestException(`the range may span at most ${MAX_DAYS} days`);
    const fromDay = new Date(from).toISOString().slice(0, 10);
    const toDay = new Date(to).toISOString().slice(0, 10);
    const days = await this.repository.days(this.pool, fromDay, toDay, query.sourceId || undefined);
    const bySource = new Map<string, DailyQuality[]>();
    for (const day of days) bySource.set(day.sourceId, [...(bySource.get(day.sourceId) ?? []), day]);
    return { from: fromDay, to: toDay, sources: [...bySource].map(([sourceId, rows]) => summarize(sourceId, rows)) };
  }

  @Get('input-validation/connections/:connectionId')
  @ApiOperation({ summary: "A connectors-service connection's rejected records, counted by reason, per sync run (newest first)" })
  @ApiQuery({ name: 'runId', required: false })
  @ApiQuery({ name: 'from', required: false, description: 'ISO-8601 or epoch ms, inclusive' })
  @ApiQuery({ name: 'to', required: false, description: 'ISO-8601 or epoch ms, exclusive' })
  async connection(
    @Param('connectionId') connectionId: string,
    @Query() query: Record<string, string | undefined>,
  ): Promise<ConnectionRejections> {
    return this.connections.rejections(this.pool, connectionId, {
      runId: query.runId || undefined,
      from: parseInstant('from', query.from),
      to: parseInstant('to', query.to),
    });
  }
}

function share(part: number, whole: number): number | null {
  return whole === 0 ? null : Math.round((part / whole) * 10_000) / 10_000;
}

function summarize(sourceId: string, rows: DailyQuality[]): SourceQualityReport {
  const totals = emptyQualityCounts();
  for (const row of rows) for (const key of Object.keys(totals) as (keyof QualityCounts)[]) totals[key] += row[key];
  const submitted = totals.eventsAccepted + totals.recordsAccepted + totals.rejected;
  return {
    sourceId,
    totals,
    shares: {
      validEmails: share(totals.emailsValid, totals.emailsSeen),
      validPhones: share(totals.phonesValid, totals.phonesSeen),
      wellFormedTransactions: share(totals.transactionsWellFormed, totals.transactionsSeen),
      rejected: share(totals.rejected, submitted),
    },
    days: rows.map(({ sourceId: _omit, ...day }) => day),
  };
}
