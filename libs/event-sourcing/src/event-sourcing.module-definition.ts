import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { EventSourcingModuleOptions } from './options/event-sourcing-options';

/** @internal */
export const {
  ConfigurableModuleClass: ConfigurableEventSourcingModule,
  MODULE_OPTIONS_TOKEN: EVENT_SOURCING_OPTIONS,
  OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<EventSourcingModuleOptions>({ moduleName: 'EventSourcing' })
  .setClassMethodName('forRoot')
  .build();
