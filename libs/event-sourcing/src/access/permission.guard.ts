import type { IncomingMessage } from 'node:http';
import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AggregateNotFoundError } from '../errors/aggregate-not-found-error';
import { PermissionDeniedError } from '../errors/permission-denied-error';
import { EventStore } from '../store/event-store';
import { PermissionChecker } from './permission-checker';
import { REQUIRED_PERMISSION, type RequiredPermission } from './required-permission';

/**
 * The guard of `@RequirePermission`: the check, then, when it fails, whether the
 * aggregate exists at all (404 rather than 403 when it does not). @internal
 */
@Injectable()
export class PermissionGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly permissions: PermissionChecker,
    private readonly store: EventStore,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const required = this.reflector.getAllAndOverride<RequiredPermission | undefined>(REQUIRED_PERMISSION, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!required || !this.permissions.enforced) return true;
    const request = context.switchToHttp().getRequest<IncomingMessage & { params?: Record<string, string> }>();
    const id = request.params?.[required.param] ?? '';
    const ref = { type: required.aggregateType, id };
    if (await this.permissions.can(required.action, ref)) return true;
    const exists = id !== '' && (await this.store.describeStream(`${ref.type}-${id}`)) !== undefined;
    if (!exists) throw new AggregateNotFoundError(ref.type, id);
    throw new PermissionDeniedError(this.permissions.actor()!.id, required.action, ref.type, id);
  }
}
