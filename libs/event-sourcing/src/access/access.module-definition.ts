import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { EventSourcingAccessOptions } from './access-options';

/** @internal */
export const {
  ConfigurableModuleClass: ConfigurableEventSourcingAccessModule,
  MODULE_OPTIONS_TOKEN: EVENT_SOURCING_ACCESS_OPTIONS,
  OPTIONS_TYPE: ACCESS_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: ACCESS_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<EventSourcingAccessOptions>({ moduleName: 'EventSourcingAccess' })
  .setClassMethodName('forRoot')
  .build();

/** The resolved options, injected under this token. @internal */
export const RESOLVED_ACCESS_OPTIONS = Symbol('event-sourcing:resolved-access-options');
