import { Body, Controller, Delete, Get, HttpCode, Inject, NotFoundException, Param, Put } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags, type SchemaObject } from '@nestjs/swagger';
import type { Pool } from '@tessera/persistence';
import { JsonBodyValidator, SERVICE_PG_POOL, invalidBody } from '@tessera/service-kit';
import { PlanSchemaError } from './plan-schema.error';
import { PlanValidatorCache } from './plan-validator-cache';
import { TRACKING_PLAN_BODY_SCHEMA, type TrackingPlan, type TrackingPlanBody } from './tracking-plan';
import { TrackingPlanRepository } from './tracking-plan.repository';

/** Admin CRUD of tracking plans, one per source. A write takes effect with the next consumed batch. */
@ApiTags('tracking plans')
@Controller('v1/tracking-plans')
export class TrackingPlansController {
  private readonly body = new JsonBodyValidator<TrackingPlanBody>(TRACKING_PLAN_BODY_SCHEMA);

  constructor(
    @Inject(SERVICE_PG_POOL) private readonly pool: Pool,
    private readonly plans: TrackingPlanRepository,
  ) {}

  @Get()
  @ApiOperation({ summary: 'List every tracking plan' })
  async list(): Promise<{ plans: TrackingPlan[] }> {
    return { plans: await this.plans.list(this.pool) };
  }

  @Get(':sourceId')
  @ApiOperation({ summary: "Get a source's tracking plan" })
  async get(@Param('sourceId') sourceId: string): Promise<TrackingPlan> {
    const plan = await this.plans.get(this.pool, sourceId);
    if (!plan) throw new NotFoundException(`source ${sourceId} has no tracking plan`);
    return plan;
  }

  @Put(':sourceId')
  @ApiOperation({ summary: "Create or replace a source's tracking plan (bumps its version)" })
  @ApiBody({ schema: TRACKING_PLAN_BODY_SCHEMA as unknown as SchemaObject })
  async put(@Param('sourceId') sourceId: string, @Body() raw: unknown): Promise<TrackingPlan> {
    const body = this.body.parse(raw);
    const names = body.events.map((e) => e.name);
    const repeated = names.findIndex((name, i) => names.indexOf(name) !== i);
    if (repeated >= 0) throw invalidBody([{ path: `/events/${repeated}/name`, message: `lists the event "${names[repeated]}" twice` }]);
    try {
      // Compiling here only proves the schemas compile (a throwaway cache); the pipeline compiles its own per version.
      new PlanValidatorCache().compile({ sourceId, version: 0, events: body.events });
    } catch (err) {
      if (err instanceof PlanSchemaError)
        throw invalidBody([{ path: `/events/${names.indexOf(err.eventName)}/schema`, message: err.message }], err.message);
      throw err;
    }
    return this.plans.upsert(this.pool, sourceId, body);
  }

  @Delete(':sourceId')
  @HttpCode(204)
  @ApiOperation({ summary: "Delete a source's tracking plan (its events are then only structurally checked)" })
  async remove(@Param('sourceId') sourceId: string): Promise<void> {
    if (!(await this.plans.delete(this.pool, sourceId))) throw new NotFoundException(`source ${sourceId} has no tracking plan`);
  }
}
