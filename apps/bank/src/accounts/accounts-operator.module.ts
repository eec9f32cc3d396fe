import { Module } from '@nestjs/common';
import { AccountPersonalDataController } from './account-personal-data.controller';

/** The accounts' operator routes, behind the admin token of `EventSourcingHttpModule`. */
@Module({ controllers: [AccountPersonalDataController] })
export class AccountsOperatorModule {}
