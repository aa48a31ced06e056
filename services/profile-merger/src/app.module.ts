import { Module } from '@nestjs/common';
import { DatabaseModule, MessagingModule } from '@tessera/service-kit';
import { AccountsModule } from './accounts/accounts.module';
import { CurrencyRatesModule } from './currency-rates/currency-rates.module';
import { PROFILE_MERGER_MIGRATIONS } from './database/migrations';
import { MergingModule } from './merging/merging.module';
import { PrioritiesModule } from './priorities/priorities.module';
import { ProfilesModule } from './profiles/profiles.module';

/** profile-merger: Customer 360 profiles. Wiring only; features live in their own modules. */
@Module({
  imports: [
    DatabaseModule.forService({ migrations: PROFILE_MERGER_MIGRATIONS }),
    MessagingModule.forService(),
    PrioritiesModule,
    MergingModule,
    ProfilesModule,
    AccountsModule,
    CurrencyRatesModule,
  ],
})
export class AppModule {}
