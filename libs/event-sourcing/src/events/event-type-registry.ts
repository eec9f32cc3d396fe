import { CQRS_EVENTS_HANDLER_METADATA } from './cqrs-metadata';
import { errorMessage } from '../errors/error-message';
import { Injectable, Logger, Optional, type OnApplicationBootstrap, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { ConfigurationError } from '../errors/configuration-error';
import { UnknownEventTypeError } from '../errors/unknown-event-type-error';
import { UpcastError } from '../errors/upcast-error';
import { findDatePaths, restoreDates } from './date-paths';
import { getDomainEventMetadata, requireDomainEventMetadata, type DomainEventClass } from './domain-event.decorator';
import type { EventEnvelope, EventMetadata, NewEvent } from './event-envelope';
import type { UpcasterDefinition } from './upcaster.decorator';
import { tagsOfEvent } from './tag.decorator';
import { personalDataOf } from './personal-data.decorator';

/** Metadata key holding the paths of the Dates in an event's data. */
export const DATE_PATHS_KEY = '$dates';

/** What to do with a stored event whose type has no class here. */
export type UnknownEventPolicy = 'throw' | 'skip';

/**
 * Knows every `@DomainEvent` class of the application by its type name, and the
 * upcasters between revisions. It turns event instances into storable events and
 * stored envelopes back into instances of the current revision. Filled at bootstrap by
 * the aggregates and handlers that use the classes; one per application.
 */
@Injectable()
export class EventTypeRegistry implements OnModuleInit, OnApplicationBootstrap {
  private readonly logger = new Logger('EventTypeRegistry');

  constructor(@Optional() private readonly discovery?: DiscoveryService) {}

  /** Registers the `@DomainEvent` classes that `@nestjs/cqrs` `@EventsHandler`s handle. */
  onModuleInit(): void {
    for (const wrapper of this.discovery?.getProviders() ?? []) {
      const handled: unknown = wrapper.metatype
        ? Reflect.getMetadata(CQRS_EVENTS_HANDLER_METADATA, wrapper.metatype)
        : undefined;
      if (!Array.isArray(handled)) continue;
      for (const eventClass of handled) {
        if (getDomainEventMetadata(eventClass)) this.register(eventClass as DomainEventClass, wrapper.metatype!.name);
      }
    }
  }

  /** Warns about upcaster chains with a missing link and upcasters of unknown types. */
  onApplicationBootstrap(): void {
    for (const [type, { cls, revision }] of this.classes) {
      const missing = Array.from({ length: revision - 1 }, (_, i) => i + 1).filter(
        (from) => !this.upcasters.has(`${type}@${from}`),
      );
      if (missing.length) {
        this.logger.warn(
          `${cls.name} ("${type}") is at revision ${revision} but has no upcaster from revision ${missing.join(', ')}: stored events of those revisions cannot be read.`,
        );
      }
    }
    for (const upcaster of this.upcasters.values()) {
      if (!this.classes.has(upcaster.type))
        this.logger.warn(`${upcaster.name} upcasts "${upcaster.type}", which no registered class has.`);
    }
  }

  private readonly classes = new Map<string, { cls: DomainEventClass; revision: number; usedBy: string }>();
  private readonly upcasters = new Map<string, UpcasterDefinition & { name: string }>();

  /**
   * Registers an event class under its type name.
   * @throws ConfigurationError when the class is not decorated, or another class claims its type name.
   */
  register(cls: DomainEventClass, usedBy: string): void {
    const { type, revision } = requireDomainEventMetadata(cls, usedBy);
    const known = this.classes.get(type);
    if (known && known.cls !== cls) {
      throw new ConfigurationError(
        `Event type "${type}" is claimed by two classes: ${known.cls.name} (used by ${known.usedBy}) and ${cls.name} (used by ${usedBy}). Give each a type name of its own.`,
      );
    }
    if (!known) this.classes.set(type, { cls, revision, usedBy });
  }

  /**
   * Registers an upcaster from one revision of a type to the next.
   * @throws ConfigurationError when another upcaster already covers that type and revision.
   */
  registerUpcaster(upcaster: UpcasterDefinition, name: string): void {
    const { type, fromRevision } = upcaster;
    if (typeof type !== 'string' || !Number.isInteger(fromRevision) || fromRevision < 1) {
      throw new ConfigurationError(`Upcaster ${name} needs a type name and a positive integer fromRevision.`);
    }
    const key = `${type}@${fromRevision}`;
    const known = this.upcasters.get(key);
    if (known && known.name !== name) {
      throw new ConfigurationError(
        `Two upcasters take "${type}" from revision ${fromRevision}: ${known.name} and ${name}.`,
      );
    }
    this.upcasters.set(key, { ...upcaster, upcast: upcaster.upcast.bind(upcaster), name });
  }

  /** The class registered for a type name, if any. */
  classOf(type: string): DomainEventClass | undefined {
    return this.classes.get(type)?.cls;
  }

  /** The type names of every registered class. */
  types(): string[] {
    return [...this.classes.keys()];
  }

  /**
   * An event instance as a storable event: its class's type and revision, its own
   * fields as data, the paths of its Dates in the metadata, its tags (its `@Tag`
   * fields and `eventTags()`, then `extraTags`, an aggregate's) and its `@PersonalData` fields.
   * @throws ConfigurationError when the event's class has no `@DomainEvent`.
   */
  toNewEvent(
    event: object,
    metadata: EventMetadata = {},
    eventId?: string,
    extraTags: readonly string[] = [],
  ): NewEvent {
    const cls = event.constructor as DomainEventClass;
    const described = getDomainEventMetadata(cls);
    if (!described) {
      throw new ConfigurationError(`${cls.name} cannot be stored: it has no @DomainEvent('type') decorator.`);
    }
    const data = { ...event };
    const dates = findDatePaths(data);
    const tags = [...tagsOfEvent(event), ...extraTags];
    const personalData = personalDataOf(event);
    return {
      type: described.type,
      revision: described.revision,
      data,
      eventId,
      metadata: dates.length ? { ...metadata, [DATE_PATHS_KEY]: dates } : metadata,
      ...(tags.length ? { tags } : {}),
      ...(personalData ? { personalData } : {}),
    };
  }

  /**
   * A stored envelope as an instance of its class at the current revision, or
   * `undefined` for an unknown type under the `'skip'` policy.
   * @throws UnknownEventTypeError for a type with no class (policy `'throw'`).
   * @throws UpcastError when an upcaster is missing or fails, or the stored revision is newer than the class.
   */
  toInstance(envelope: EventEnvelope, unknown: UnknownEventPolicy = 'throw'): object | undefined {
    const known = this.classes.get(envelope.type);
    if (!known) {
      if (unknown === 'skip') return undefined;
      throw new UnknownEventTypeError(envelope.type, envelope.streamId, envelope.version);
    }
    let data = restoreDates(envelope.data, envelope.metadata[DATE_PATHS_KEY]);
    if (envelope.revision > known.revision) {
      throw new UpcastError(
        envelope.eventId,
        envelope.type,
        envelope.revision,
        `it is newer than ${known.cls.name}, which is at revision ${known.revision}; deploy the newer code`,
      );
    }
    for (let revision = envelope.revision; revision < known.revision; revision++) {
      const upcaster = this.upcasters.get(`${envelope.type}@${revision}`);
      if (!upcaster) {
        throw new UpcastError(
          envelope.eventId,
          envelope.type,
          envelope.revision,
          `no upcaster takes it from revision ${revision} to ${revision + 1}`,
        );
      }
      try {
        data = upcaster.upcast(data, envelope);
      } catch (error) {
        throw new UpcastError(
          envelope.eventId,
          envelope.type,
          envelope.revision,
          `${upcaster.name} failed: ${errorMessage(error)}`,
          { cause: error },
        );
      }
    }
    if (data === null || typeof data !== 'object') {
      throw new UpcastError(envelope.eventId, envelope.type, envelope.revision, 'its data is not an object');
    }
    return Object.assign(Object.create(known.cls.prototype as object) as object, data);
  }
}
