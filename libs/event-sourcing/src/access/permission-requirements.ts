import { Injectable } from '@nestjs/common';
import type { Actor } from '../events/actor';
import { MessageContext, type MessageIds } from '../events/message-context';

/** A permission a command needs, checked again in the transaction of each of its appends. @internal */
export interface PermissionRequirement {
  actor: Actor;
  tenantId: string;
  action: string;
  aggregateType: string;
  aggregateId: string;
}

/**
 * What the command being handled requires, kept per try of it (each try is a message of
 * its own in `MessageContext`), so a retried command checks again and a nested one
 * (dispatched by a handler) does not inherit its caller's. @internal
 */
@Injectable()
export class PermissionRequirements {
  private readonly byMessage = new WeakMap<MessageIds, PermissionRequirement[]>();

  constructor(private readonly context: MessageContext) {}

  add(requirement: PermissionRequirement): void {
    const ids = this.context.current();
    if (!ids) return;
    const list = this.byMessage.get(ids) ?? [];
    list.push(requirement);
    this.byMessage.set(ids, list);
  }

  /** The requirements of the current message (none outside one). */
  current(): readonly PermissionRequirement[] {
    const ids = this.context.current();
    return (ids && this.byMessage.get(ids)) ?? [];
  }
}
