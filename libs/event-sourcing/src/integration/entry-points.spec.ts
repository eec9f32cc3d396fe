import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const dist = join(__dirname, '../../dist');

/** The broker client modules a fresh Node process has loaded after requiring `entry`. */
function brokerModulesLoadedBy(entry: string): string[] {
  const script = `require(${JSON.stringify(entry)});
    console.log(JSON.stringify(Object.keys(require.cache).filter((p) => /node_modules[\\\\/](@nats-io|amqplib)[\\\\/]/.test(p))));`;
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })) as string[];
}

// The broker clients are optional peers: the main entry point must run without them.
describe('entry points', () => {
  it('loads no broker client from nest-event-sourcing, only from nest-event-sourcing/brokers', () => {
    expect(brokerModulesLoadedBy(join(dist, 'index.js'))).toEqual([]);
    const loaded = brokerModulesLoadedBy(join(dist, 'integration/index.js'));
    expect(loaded.some((p) => p.includes('@nats-io'))).toBe(true);
    expect(loaded.some((p) => p.includes('amqplib'))).toBe(true);
  });
});
