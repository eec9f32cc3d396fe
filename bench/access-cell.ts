import { randomUUID } from 'node:crypto';
import { Injectable, Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CommandBus, CommandHandler, CqrsModule, type ICommandHandler } from '@nestjs/cqrs';
import {
  Aggregate,
  AggregateRepository,
  AggregateRoot,
  Apply,
  DomainEvent,
  EventSourcingAccessModule,
  EventSourcingModule,
  getAggregateRepositoryToken,
  Grants,
  InjectAggregateRepository,
  MessageContext,
  PermissionChecker,
  type Actor,
} from 'nest-event-sourcing';
import type { AccessCell, AccessCellResult, AccessCellSpec } from './access-config';
import { runWorkers } from './run-workers';
import { OperationTimer, operationRate } from './stats';
import { readCellSpec } from './store-cell-process';

// One cell of the authorization section, in a process of its own: boots the module with
// the access module enforcing (untimed), creates each worker's documents as their owner
// (untimed: the creating event grants the owner everything), then times commands on them.

@DomainEvent('bench.doc-created')
@Grants<DocCreated>((data, event) => ({
  actorId: String(event.metadata.userId),
  aggregateType: 'benchdoc',
  aggregateId: data.docId,
  permission: '*',
}))
class DocCreated {
  constructor(readonly docId: string) {}
}

@DomainEvent('bench.doc-edited')
class DocEdited {
  constructor(
    readonly docId: string,
    readonly n: number,
  ) {}
}

@Aggregate('benchdoc')
class BenchDoc extends AggregateRoot {
  edits = 0;
  create(): void {
    this.apply(new DocCreated(this.id));
  }
  edit(): void {
    this.apply(new DocEdited(this.id, this.edits + 1));
  }
  @Apply(DocCreated) onCreated(): void {}
  @Apply(DocEdited) onEdited(): void {
    this.edits++;
  }
}

class EditDoc {
  constructor(
    readonly docId: string,
    readonly check: AccessCell,
  ) {}
}

@Injectable()
@CommandHandler(EditDoc)
class EditDocHandler implements ICommandHandler<EditDoc> {
  constructor(
    @InjectAggregateRepository(BenchDoc) private readonly docs: AggregateRepository<BenchDoc>,
    private readonly permissions: PermissionChecker,
  ) {}
  async execute({ docId, check }: EditDoc): Promise<void> {
    const ref = { type: 'benchdoc', id: docId };
    if (check === 'asserted') await this.permissions.assert('edit', ref);
    if (check === 'required') await this.permissions.require('edit', ref);
    await this.docs.update(docId, (doc) => doc.edit());
  }
}

@Module({})
class AccessBenchModule {
  static forRoot(url: string, poolSize: number): DynamicModule {
    return {
      module: AccessBenchModule,
      imports: [
        CqrsModule.forRoot(),
        EventSourcingModule.forRoot({ database: url, poolSize, applicationName: 'bench-access' }),
        EventSourcingModule.forFeature({ aggregates: [BenchDoc] }),
        EventSourcingAccessModule.forRoot({ enforce: true }),
      ],
      providers: [EditDocHandler],
    };
  }
}

async function main(): Promise<void> {
  const spec = readCellSpec(process.argv.slice(2)) as unknown as AccessCellSpec;
  const { params } = spec;
  const app = await NestFactory.createApplicationContext(AccessBenchModule.forRoot(spec.url, params.poolSize), {
    logger: ['error'],
  });
  try {
    const context = app.get(MessageContext);
    const commands = app.get(CommandBus);
    const owner: Actor = { id: `owner-${spec.cellId}`, kind: 'user' };
    const as = <T>(work: () => Promise<T>): Promise<T> =>
      context.run({ correlationId: randomUUID(), userId: owner.id, actor: owner }, work);
    const ids = Array.from({ length: params.workers }, () => randomUUID());
    const repository = app.get<AggregateRepository<BenchDoc>>(getAggregateRepositoryToken(BenchDoc));
    for (const id of ids) await as(() => repository.create(id, (doc) => doc.create()));
    const timer = new OperationTimer();
    timer.start();
    let next = 0;
    await runWorkers(params.workers, async () => {
      const id = ids[next++]!;
      for (let n = 0; n < params.commandsPerWorker; n++) {
        await timer.time(() => as(() => commands.execute(new EditDoc(id, spec.cell))));
      }
    });
    timer.stop();
    const result: AccessCellResult = { ...operationRate(timer.stats(0)) };
    process.stdout.write(`${JSON.stringify({ result })}\n`);
  } finally {
    await app.close();
  }
}

main().catch((error: unknown) => {
  console.error('Authorization cell failed:', error);
  process.exitCode = 1;
});
