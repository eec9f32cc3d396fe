import { Injectable } from '@nestjs/common';
import { StreamNotFoundError } from '../errors/stream-not-found-error';
import { EventStore } from '../store/event-store';
import { SnapshotStore } from '../store/snapshot-store';
import { streamView, type StreamView } from './operator-views';

/** One stream for operators, over HTTP and in the CLI: the store's description and the newest snapshot. @internal */
@Injectable()
export class StreamInspector {
  constructor(
    private readonly store: EventStore,
    private readonly snapshots: SnapshotStore,
  ) {}

  /**
   * @throws StreamNotFoundError for a stream never written.
   * @throws InvalidStreamIdError for an id no stream can have.
   */
  async show(streamId: string): Promise<StreamView> {
    const stream = await this.store.describeStream(streamId);
    if (!stream) throw new StreamNotFoundError(streamId);
    return streamView(stream, await this.snapshots.load(streamId));
  }
}
