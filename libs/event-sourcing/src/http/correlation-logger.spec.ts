import { MessageContext } from '../events/message-context';
import { CorrelationLogger } from './correlation-logger';

function captureStdout(work: () => void): string {
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  try {
    work();
    return spy.mock.calls.map(([chunk]) => String(chunk)).join('');
  } finally {
    spy.mockRestore();
  }
}

describe('CorrelationLogger', () => {
  const messages = new MessageContext();

  it('adds the current correlation and causation ids to JSON lines', () => {
    const logger = new CorrelationLogger(messages, { json: true });
    const line = captureStdout(() =>
      messages.run({ correlationId: 'req-1', causationId: 'cmd-1' }, () => logger.log('deposited', 'Accounts')),
    );
    expect(JSON.parse(line)).toMatchObject({
      level: 'log',
      message: 'deposited',
      context: 'Accounts',
      correlationId: 'req-1',
      causationId: 'cmd-1',
    });
  });

  it('logs without ids outside a request', () => {
    const logger = new CorrelationLogger(messages, { json: true });
    const line = captureStdout(() => logger.log('started', 'Bootstrap'));
    expect(JSON.parse(line)).not.toHaveProperty('correlationId');
  });

  it('puts the correlation id after the context in text lines', () => {
    const logger = new CorrelationLogger(messages, { colors: false });
    const line = captureStdout(() =>
      messages.run({ correlationId: 'req-2' }, () => logger.log('deposited', 'Accounts')),
    );
    expect(line).toContain('[Accounts] [req-2] deposited');
  });
});
