// nest-event-sourcing/testing: helpers for tests, kept apart so production code never loads them.
export { describeEventStoreContract, type ContractSubject } from './event-store-contract';
export { aggregateFixture, AggregateFixture, GivenStage, WhenStage } from './aggregate-fixture';
export { decisionFixture, DecisionFixture, DecisionGivenStage, DecisionWhenStage } from './decision-fixture';
export { createEventSourcingTestingModule, withInMemoryEventStore } from './event-sourcing-testing-module';
export { sagaFixture, commandFailed, CommandFailed, SagaFixture, SagaResult } from './saga-fixture';
export { expectEventSchemasRecorded } from './expect-event-schemas-recorded';
export { createHttpFixture, type HttpFixture, type HttpFixtureOptions } from './http-fixture';
