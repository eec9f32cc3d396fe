import type { Type } from '@nestjs/common';
import { StreamInspector } from '../operator/stream-inspector';
import { EventsCommand, EventsQueryCommand } from './events-command';
import { GenerateCommand } from './generate-command';
import { ParkedCommand, ParkedDismissCommand, ParkedListCommand, ParkedRetryCommand } from './parked-command';
import { PermissionsCommand, PermissionsRebuildCommand } from './permissions-command';
import { StreamsCommand, StreamsShowCommand } from './streams-command';
import { SubscriptionsCommand, SubscriptionsRebuildCommand, SubscriptionsStatusCommand } from './subscriptions-command';

/**
 * Every command of the CLI, and what they need, as providers. Loaded only once
 * nest-commander is known to be installed (see `runEventSourcingCli`). @internal
 */
export const CLI_PROVIDERS: Type[] = [
  EventsCommand,
  EventsQueryCommand,
  StreamsCommand,
  StreamsShowCommand,
  SubscriptionsCommand,
  SubscriptionsStatusCommand,
  SubscriptionsRebuildCommand,
  ParkedCommand,
  ParkedListCommand,
  ParkedRetryCommand,
  ParkedDismissCommand,
  PermissionsCommand,
  PermissionsRebuildCommand,
  GenerateCommand,
  StreamInspector,
];

/** The commands that need no application (nor database). @internal */
export const OFFLINE_PROVIDERS: Type[] = [GenerateCommand];

export { CommandFactory } from 'nest-commander';
