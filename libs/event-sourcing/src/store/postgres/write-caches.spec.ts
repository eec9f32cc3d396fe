import { WriteCaches } from './write-caches';

// One forget(streamId) and one clear() reach every write-side cache.
describe('WriteCaches', () => {
  it('forgets one stream: its known version and its contention, and no other stream', () => {
    const caches = new WriteCaches();
    for (const id of ['a', 'b']) {
      caches.known.learn(id, 4);
      caches.sawConflict(id);
    }
    caches.forget('a');
    expect([caches.known.has('a', 4), caches.isContended('a')]).toEqual([false, false]);
    expect([caches.known.has('b', 4), caches.isContended('b')]).toEqual([true, true]);
    caches.clear();
    expect([caches.known.has('b', 4), caches.isContended('b')]).toEqual([false, false]);
  });
});
