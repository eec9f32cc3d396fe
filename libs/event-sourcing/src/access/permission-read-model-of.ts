import { UnsupportedOperationError } from '../errors/unsupported-operation-error';
import type { PermissionReadModel } from './permission-read-model';

/**
 * The permissions read model, for the operator route and the CLI, which run whether or
 * not the app imports `EventSourcingAccessModule`.
 * @throws UnsupportedOperationError when it does not. @internal
 */
export function requirePermissionReadModel(readModel: PermissionReadModel | null | undefined): PermissionReadModel {
  if (readModel) return readModel;
  throw new UnsupportedOperationError(
    'There is no permissions read model: the app does not import EventSourcingAccessModule.',
  );
}
