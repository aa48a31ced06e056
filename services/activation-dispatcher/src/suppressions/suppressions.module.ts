import { Module } from '@nestjs/common';
import { SuppressionRepository } from './suppression-repository';
import { SuppressionsController } from './suppressions.controller';

/** The suppressions admin API. */
@Module({ controllers: [SuppressionsController], providers: [SuppressionRepository] })
export class SuppressionsModule {}
