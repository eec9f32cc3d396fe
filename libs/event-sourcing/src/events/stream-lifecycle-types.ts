// The type names of the store's lifecycle events, apart from their classes (which need reflect-metadata).

/** The type of the event that soft-deletes a stream, appended to the stream itself. */
export const STREAM_DELETED = 'es.stream-deleted';
/** The type of the event that restores a soft-deleted stream, appended to the stream itself. */
export const STREAM_RESTORED = 'es.stream-restored';
/** The type of the event that records a hard delete, appended to {@link TOMBSTONES_STREAM}. */
export const STREAM_TOMBSTONED = 'es.stream-tombstoned';
/** The stream of the store's tombstones: one `es.stream-tombstoned` event per hard-deleted stream. */
export const TOMBSTONES_STREAM = '$es-tombstones';
