import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { EventSourcingHttpOptions } from './event-sourcing-http-options';

/** @internal */
export const {
  ConfigurableModuleClass: ConfigurableEventSourcingHttpModule,
  MODULE_OPTIONS_TOKEN: EVENT_SOURCING_HTTP_OPTIONS,
  OPTIONS_TYPE: HTTP_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: HTTP_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<EventSourcingHttpOptions>({ moduleName: 'EventSourcingHttp' })
  .setClassMethodName('forRoot')
  .build();
