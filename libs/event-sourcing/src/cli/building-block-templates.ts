/** The kinds of building block `generate` writes. @internal */
export const BUILDING_BLOCKS = ['aggregate', 'command', 'event', 'projection', 'saga'] as const;
/** One of {@link BUILDING_BLOCKS}. @internal */
export type BuildingBlock = (typeof BUILDING_BLOCKS)[number];

/** A file to write: its path under the target folder and its text. @internal */
export interface GeneratedFile {
  path: string;
  text: string;
}

/** `BankAccount` → `bank-account`. @internal */
export function kebab(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1-$2')
    .toLowerCase();
}

const lowerFirst = (name: string): string => name[0]!.toLowerCase() + name.slice(1);

/** An event class, with an explicit type name and revision, as every stored event has. */
function event(name: string, idField: string): GeneratedFile[] {
  const file = kebab(name);
  return [
    {
      path: `events/${file}.event.ts`,
      text: `import { DomainEvent } from 'nest-event-sourcing';

/** ${name}: say what happened, in the past tense, and what its fields hold. */
@DomainEvent('${file}', { revision: 1 })
export class ${name} {
  constructor(readonly ${idField}: string) {}
}
`,
    },
    {
      path: `events/${file}.event.spec.ts`,
      text: `import { ${name} } from './${file}.event';

describe('${name}', () => {
  it('carries its fields as plain JSON data', () => {
    const event = new ${name}('id-1');
    expect(JSON.parse(JSON.stringify(event))).toEqual({ ${idField}: 'id-1' });
  });
});
`,
    },
  ];
}

function aggregate(name: string): GeneratedFile[] {
  const file = kebab(name);
  const created = `${name}Created`;
  return [
    ...event(created, 'id'),
    {
      path: `${file}.aggregate.ts`,
      text: `import { Aggregate, AggregateRoot, Apply } from 'nest-event-sourcing';
import { ${created} } from './events/${kebab(created)}.event';

/** ${name}: say what it decides, and the rules it keeps. */
@Aggregate('${name.toLowerCase()}')
export class ${name} extends AggregateRoot {
  created = false;

  /** Decides, then applies: a method checks the rules on the state, never changes it itself. */
  create(): void {
    if (this.created) throw new Error(\`${name} \${this.id} exists already.\`);
    this.apply(new ${created}(this.id));
  }

  @Apply(${created})
  protected onCreated(): void {
    this.created = true;
  }
}
`,
    },
    {
      path: `${file}.aggregate.spec.ts`,
      text: `import { aggregateFixture } from 'nest-event-sourcing/testing';
import { ${name} } from './${file}.aggregate';
import { ${created} } from './events/${kebab(created)}.event';

describe('${name}', () => {
  const ${lowerFirst(name)} = aggregateFixture(${name}, 'id-1');

  it('is created once', () => {
    ${lowerFirst(name)}
      .given()
      .when((a) => a.create())
      .then(new ${created}('id-1'));
  });

  it('refuses to be created twice', () => {
    ${lowerFirst(name)}
      .given(new ${created}('id-1'))
      .when((a) => a.create())
      .thenThrows(Error, 'exists already');
  });
});
`,
    },
  ];
}

function command(name: string): GeneratedFile[] {
  const file = kebab(name);
  return [
    {
      path: `commands/${file}.command.ts`,
      text: `/** ${name}: an imperative name, and the data the decision needs. */
export class ${name} {
  constructor(readonly id: string) {}
}
`,
    },
    {
      path: `commands/${file}.handler.ts`,
      text: `import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ${name} } from './${file}.command';

/**
 * Handles {@link ${name}}: load the aggregate through its repository
 * (\`@InjectAggregateRepository\`), call the method that decides, and save it.
 */
@CommandHandler(${name})
export class ${name}Handler implements ICommandHandler<${name}> {
  async execute({ id }: ${name}): Promise<{ id: string }> {
    return { id };
  }
}
`,
    },
    {
      path: `commands/${file}.handler.spec.ts`,
      text: `import { ${name} } from './${file}.command';
import { ${name}Handler } from './${file}.handler';

describe('${name}Handler', () => {
  it('answers the id it was given', async () => {
    await expect(new ${name}Handler().execute(new ${name}('id-1'))).resolves.toEqual({ id: 'id-1' });
  });
});
`,
    },
  ];
}

function projection(name: string): GeneratedFile[] {
  const file = kebab(name);
  const recorded = `${name}Recorded`;
  return [
    ...event(recorded, 'id'),
    {
      path: `projections/${file}.projection.ts`,
      text: `import { On, Projection, type EventEnvelope, type ProjectionContext } from 'nest-event-sourcing';
import { ${recorded} } from '../events/${kebab(recorded)}.event';

/**
 * ${name}: the read model it keeps. Async: each batch of events commits with the
 * checkpoint, so nothing is applied twice; list its entities in \`readModels\` so a
 * rebuild empties them.
 */
@Projection('${file}')
export class ${name}Projection {
  @On(${recorded})
  async recorded({ data, version }: EventEnvelope<${recorded}>, { manager }: ProjectionContext): Promise<void> {
    await manager.query('SELECT $1::text AS id, $2::int AS version', [data.id, version]);
  }
}
`,
    },
    {
      path: `projections/${file}.projection.spec.ts`,
      text: `import type { EventEnvelope, ProjectionContext } from 'nest-event-sourcing';
import { ${recorded} } from '../events/${kebab(recorded)}.event';
import { ${name}Projection } from './${file}.projection';

describe('${name}Projection', () => {
  it('writes the event into the read model, in the batch transaction', async () => {
    const query = jest.fn().mockResolvedValue([]);
    const context = { manager: { query } } as unknown as ProjectionContext;
    const event = { data: new ${recorded}('id-1'), version: 1 } as EventEnvelope<${recorded}>;
    await new ${name}Projection().recorded(event, context);
    expect(query).toHaveBeenCalledWith(expect.any(String), ['id-1', 1]);
  });
});
`,
    },
  ];
}

function saga(name: string): GeneratedFile[] {
  const file = kebab(name);
  const started = `${name}Started`;
  const next = `Continue${name}`;
  return [
    ...event(started, 'processId'),
    ...command(next),
    {
      path: `${file}.saga.ts`,
      text: `import { Injectable } from '@nestjs/common';
import { DurableSaga, StartsSaga, type EventEnvelope, type SagaContext } from 'nest-event-sourcing';
import { ${next} } from './commands/${kebab(next)}.command';
import { ${started} } from './events/${kebab(started)}.event';

/** Where a ${name} is. */
export interface ${name}State {
  step: 'started';
}

/** ${name}: the process it runs across aggregates, and how it ends. */
@DurableSaga('${file}', { correlationKey: 'processId' })
@Injectable()
export class ${name}Saga {
  @StartsSaga(${started})
  started({ data }: EventEnvelope<${started}>, saga: SagaContext<${name}State>): void {
    saga.state = { step: 'started' };
    saga.dispatch(new ${next}(data.processId));
  }
}
`,
    },
    {
      path: `${file}.saga.spec.ts`,
      text: `import { sagaFixture } from 'nest-event-sourcing/testing';
import { ${next} } from './commands/${kebab(next)}.command';
import { ${started} } from './events/${kebab(started)}.event';
import { ${name}Saga } from './${file}.saga';

describe('${name}Saga', () => {
  it('dispatches the next command when it starts', async () => {
    (await sagaFixture(new ${name}Saga()).when(new ${started}('p-1')))
      .expectDispatched(new ${next}('p-1'))
      .expectActive();
  });
});
`,
    },
  ];
}

/** The files of a building block named `name` (PascalCase). @internal */
export function buildingBlockFiles(kind: BuildingBlock, name: string): GeneratedFile[] {
  switch (kind) {
    case 'aggregate':
      return aggregate(name);
    case 'command':
      return command(name);
    case 'event':
      return event(name, 'id');
    case 'projection':
      return projection(name);
    case 'saga':
      return saga(name);
  }
}
