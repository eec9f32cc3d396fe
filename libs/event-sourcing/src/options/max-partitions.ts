/** The most partitions a subscriber may have. @internal */
export const MAX_PARTITIONS = 256;
