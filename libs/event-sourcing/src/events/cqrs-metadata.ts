// The metadata keys @nestjs/cqrs's decorators write; it does not export them. If cqrs
// renames one, command retry and correlation, saga commands and event discovery stop
// working: the correlation test over HTTP and the saga tests would show it.

/** `@CommandHandler(C)`: the command class C. @internal */
export const CQRS_COMMAND_HANDLER_METADATA = '__commandHandler__';

/** `@EventsHandler(...E)`: the event classes. @internal */
export const CQRS_EVENTS_HANDLER_METADATA = '__eventsHandler__';
