import { WriteCaches } from './write-caches';

// One forget(streamId) and one clear() reach every write-side cache.
describe('WriteCaches', () => {
  it('forgets one stream, and no other; clear forgets them all', () => {
    const caches = new WriteCaches();
    for (const id of ['a', 'b']) caches.known.learn(id, 4);
    caches.forget('a');
    expect([caches.known.has('a', 4), caches.known.has('b', 4)]).toEqual([false, true]);
    caches.clear();
    expect(caches.known.has('b', 4)).toBe(false);
  });
});
