import { Module } from '@nestjs/common';
import { CurrencyRatesAdminController } from './currency-rates-admin.controller';
import { CurrencyRateRepository } from './currency-rate.repository';

@Module({ controllers: [CurrencyRatesAdminController], providers: [CurrencyRateRepository] })
export class CurrencyRatesModule {}
