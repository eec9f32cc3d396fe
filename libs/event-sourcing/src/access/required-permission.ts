/** The metadata key of `@RequirePermission`. @internal */
export const REQUIRED_PERMISSION = 'event-sourcing:required-permission';

/** What `@RequirePermission` records on a route. @internal */
export interface RequiredPermission {
  action: string;
  /** The aggregate's stream type: the permission's type, and its streams' prefix. */
  aggregateType: string;
  /** The route parameter holding the aggregate id. */
  param: string;
}
