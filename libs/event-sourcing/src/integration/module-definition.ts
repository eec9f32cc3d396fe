import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { EventSourcingBrokersOptions } from './brokers-options';

/** @internal */
export const {
  ConfigurableModuleClass: ConfigurableBrokersModule,
  MODULE_OPTIONS_TOKEN: BROKERS_OPTIONS,
  OPTIONS_TYPE: BROKERS_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: BROKERS_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<EventSourcingBrokersOptions>({ moduleName: 'EventSourcingBrokers' })
  .setClassMethodName('forRoot')
  .build();
