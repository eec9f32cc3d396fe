import { runEventSourcingCli } from 'nest-event-sourcing/cli';
import { BankModule } from './bank.module';

// The bank's second entry point: the operator CLI on the bank's module, against
// DATABASE_URL or the embedded data folder of `npm start` (.data/bank).
// `npm run cli -- events query --type bank.money-deposited --since "3 days"`; `npm run cli -- --help`.
void runEventSourcingCli(BankModule, { name: 'bank' });
