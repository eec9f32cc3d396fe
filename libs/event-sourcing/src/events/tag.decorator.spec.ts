import { ConfigurationError } from '../errors/configuration-error';
import { DomainEvent } from './domain-event.decorator';
import { EventTypeRegistry } from './event-type-registry';
import { Tag, tagsOfEvent } from './tag.decorator';

@DomainEvent('tags.item-added')
class ItemAdded {
  constructor(
    @Tag('list') readonly listId: string,
    readonly text: string,
    @Tag('label') readonly labels: string[] = [],
  ) {}
}

@DomainEvent('tags.list-renamed')
class ListRenamed {
  @Tag('list') readonly listId: string;
  @Tag('owner') readonly ownerId: number | null;

  constructor(listId: string, ownerId: number | null) {
    this.listId = listId;
    this.ownerId = ownerId;
  }

  eventTags(): string[] {
    return [`title:${this.listId.length}`];
  }
}

describe('@Tag', () => {
  it('tags by constructor parameters, one tag per element of an array field', () => {
    expect(tagsOfEvent(new ItemAdded('l-1', 'milk', ['a', 'b'])).sort()).toEqual(['label:a', 'label:b', 'list:l-1']);
  });

  it('tags by fields and eventTags(), leaving out null values', () => {
    expect(tagsOfEvent(new ListRenamed('l-22', null))).toEqual(['list:l-22', 'title:4']);
    expect(tagsOfEvent(new ListRenamed('l-2', 7))).toEqual(['list:l-2', 'owner:7', 'title:3']);
  });

  it('gives the registry tags to store, after them the extra ones (an aggregate’s)', () => {
    const registry = new EventTypeRegistry();
    const event = registry.toNewEvent(new ItemAdded('l-1', 'milk'), {}, undefined, ['tenant:t-9']);
    expect(event.tags).toEqual(['list:l-1', 'tenant:t-9']);
    expect(event.data).toEqual({ listId: 'l-1', text: 'milk', labels: [] });
  });

  it('refuses a key that is empty or holds a colon, naming it', () => {
    expect(() => Tag('a:b')).not.toThrow();
    expect(() => Tag('a:b')({}, 'x')).toThrow(ConfigurationError);
    expect(() => Tag('')({}, 'x')).toThrow(/non-empty key/);
  });
});
