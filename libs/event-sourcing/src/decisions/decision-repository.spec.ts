import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { TestingModule } from '@nestjs/testing';
import { DomainError } from '../errors/domain-error';
import { ConfigurationError } from '../errors/configuration-error';
import { DomainEvent } from '../events/domain-event.decorator';
import { Tag } from '../events/tag.decorator';
import { EventStore } from '../store/event-store';
import { createEventSourcingTestingModule } from '../testing/event-sourcing-testing-module';
import { decisionFixture } from '../testing/decision-fixture';
import { DecisionModel, Evolve } from './decision-model.decorator';
import { DecisionRepository } from './decision-repository';

@DomainEvent('course.defined')
class CourseDefined {
  constructor(
    @Tag('course') readonly courseId: string,
    readonly seats: number,
  ) {}
}

@DomainEvent('course.student-enrolled')
class StudentEnrolled {
  constructor(
    @Tag('course') readonly courseId: string,
    @Tag('student') readonly studentId: string,
  ) {}
}

class CourseFullError extends DomainError {
  constructor(courseId: string) {
    super('course-full', `Course ${courseId} is full.`);
  }
}

class StudentOverloadedError extends DomainError {
  constructor(studentId: string) {
    super('student-overloaded', `Student ${studentId} has too many courses.`);
  }
}

@DecisionModel()
class CourseCapacity {
  seats = 0;
  taken = 0;
  constructor(readonly courseId: string) {}
  tags(): string[] {
    return [`course:${this.courseId}`];
  }
  @Evolve(CourseDefined) defined(event: CourseDefined): void {
    this.seats = event.seats;
  }
  @Evolve(StudentEnrolled) enrolled(): void {
    this.taken++;
  }
  enroll(studentId: string): object[] {
    if (this.taken >= this.seats) throw new CourseFullError(this.courseId);
    return [new StudentEnrolled(this.courseId, studentId)];
  }
}

@DecisionModel()
class StudentLoad {
  courses = 0;
  constructor(readonly studentId: string) {}
  tags(): string[] {
    return [`student:${this.studentId}`];
  }
  @Evolve(StudentEnrolled) enrolled(): void {
    this.courses++;
  }
}

class Enroll {
  constructor(
    readonly courseId: string,
    readonly studentId: string,
    readonly commandId?: string,
  ) {}
}

@Injectable()
@CommandHandler(Enroll)
class EnrollHandler implements ICommandHandler<Enroll> {
  tries = 0;
  constructor(private readonly decisions: DecisionRepository) {}
  async execute({ courseId, studentId }: Enroll): Promise<void> {
    this.tries++;
    const course = new CourseCapacity(courseId);
    const student = new StudentLoad(studentId);
    const decision = await this.decisions.load(course, student);
    if (student.courses >= 3) throw new StudentOverloadedError(studentId);
    await this.decisions.save(decision, {
      streamId: `enrolment-${courseId}-${studentId}`,
      events: course.enroll(studentId),
    });
  }
}

describe('DecisionRepository', () => {
  let moduleRef: TestingModule;
  let commands: CommandBus;
  let store: EventStore;

  beforeEach(async () => {
    moduleRef = await createEventSourcingTestingModule({ providers: [EnrollHandler] }).compile();
    await moduleRef.init();
    commands = moduleRef.get(CommandBus);
    store = moduleRef.get(EventStore);
  });

  afterEach(() => moduleRef.close());

  it('folds each model from the events of its own query, read in one go', async () => {
    const decisions = moduleRef.get(DecisionRepository);
    await store.append('course-c1', [
      { type: 'course.defined', data: { courseId: 'c1', seats: 2 }, tags: ['course:c1'] },
    ]);
    await commands.execute(new Enroll('c1', 's1'));
    await commands.execute(new Enroll('c2', 's1')).catch(() => undefined);
    const [course, student] = [new CourseCapacity('c1'), new StudentLoad('s1')];
    const decision = await decisions.load(course, student);
    expect({ seats: course.seats, taken: course.taken, courses: student.courses }).toEqual({
      seats: 2,
      taken: 1,
      courses: 1,
    });
    expect(decision.condition.query).toEqual([
      { types: ['course.defined', 'course.student-enrolled'], tags: ['course:c1'] },
      { types: ['course.student-enrolled'], tags: ['student:s1'] },
    ]);
  });

  it('keeps the rule under concurrent commands: retried on conflict, never over capacity', async () => {
    await store.append('course-c9', [
      { type: 'course.defined', data: { courseId: 'c9', seats: 3 }, tags: ['course:c9'] },
    ]);
    const settled = await Promise.allSettled(
      Array.from({ length: 12 }, (_, i) => commands.execute(new Enroll('c9', `s${i}`))),
    );
    expect(settled.filter((s) => s.status === 'fulfilled')).toHaveLength(3);
    const refused = settled.filter((s): s is PromiseRejectedResult => s.status === 'rejected');
    expect(refused.every((s) => s.reason instanceof CourseFullError)).toBe(true);
    expect(
      (await store.readMatching([{ tags: ['course:c9'], types: ['course.student-enrolled'] }])).events,
    ).toHaveLength(3);
    expect(moduleRef.get(EnrollHandler).tries).toBeGreaterThan(12);
  });

  it('writes the command ids as correlation and causation ids', async () => {
    await store.append('course-c3', [
      { type: 'course.defined', data: { courseId: 'c3', seats: 1 }, tags: ['course:c3'] },
    ]);
    const commandId = randomUUID();
    await commands.execute(new Enroll('c3', 's3', commandId));
    const [event] = (await store.readMatching([{ tags: ['student:s3'] }])).events;
    expect(event!.metadata.causationId).toBe(commandId);
    expect(typeof event!.metadata.correlationId).toBe('string');
    expect(event!.tags).toEqual(['course:c3', 'student:s3']);
  });

  it('refuses a model class without @DecisionModel, naming it', async () => {
    class NotAModel {}
    await expect(moduleRef.get(DecisionRepository).load(new NotAModel())).rejects.toThrow(ConfigurationError);
  });
});

describe('decisionFixture', () => {
  const course = decisionFixture(() => new CourseCapacity('c1'));

  it('decides on the events that match the model, by type and tag', () => {
    course
      .given(new CourseDefined('c1', 1), new StudentEnrolled('c2', 's9'))
      .when((c) => c.enroll('s1'))
      .then(new StudentEnrolled('c1', 's1'));
  });

  it('throws the rule once the events fill it', () => {
    course
      .given(new CourseDefined('c1', 1), new StudentEnrolled('c1', 's2'))
      .when((c) => c.enroll('s1'))
      .thenThrows(CourseFullError, /full/);
  });
});
