import type { CallHandler, ExecutionContext } from '@nestjs/common';
import { lastValueFrom, of } from 'rxjs';
import { LocationInterceptor } from './location-header.decorator';

async function locationFor(template: string, body: unknown): Promise<string | undefined> {
  const headers = new Map<string, string>();
  const response = { headersSent: false, setHeader: (name: string, value: string) => headers.set(name, value) };
  const context = { switchToHttp: () => ({ getResponse: () => response }) } as unknown as ExecutionContext;
  const next: CallHandler = { handle: () => of(body) };
  await expect(lastValueFrom(new LocationInterceptor(template).intercept(context, next))).resolves.toBe(body);
  return headers.get('Location');
}

describe('LocationHeader', () => {
  it('fills each :name of the template from the body, URI-encoded', async () => {
    await expect(locationFor('/lists/:id/items/:itemId', { id: 'a/b', itemId: 7 })).resolves.toBe(
      '/lists/a%2Fb/items/7',
    );
  });

  it('sets nothing when a field is missing or the body is no object', async () => {
    await expect(locationFor('/accounts/:id', { version: 1 })).resolves.toBeUndefined();
    await expect(locationFor('/accounts/:id', null)).resolves.toBeUndefined();
  });
});
