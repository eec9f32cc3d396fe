import { canonicalJson, requestFingerprint } from './request-fingerprint';

describe('requestFingerprint', () => {
  it('ignores the order of keys at any depth', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { y: 1, x: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[2,{"x":2,"y":1}]},"b":1}',
    );
    expect(requestFingerprint('POST', '/a', { amount: 5, note: 'x' })).toBe(
      requestFingerprint('post', '/a', { note: 'x', amount: 5 }),
    );
  });

  it('differs for another method, URL or body', () => {
    const base = requestFingerprint('POST', '/accounts/1/deposits', { amount: 5 });
    expect(requestFingerprint('PATCH', '/accounts/1/deposits', { amount: 5 })).not.toBe(base);
    expect(requestFingerprint('POST', '/accounts/2/deposits', { amount: 5 })).not.toBe(base);
    expect(requestFingerprint('POST', '/accounts/1/deposits', { amount: 6 })).not.toBe(base);
    expect(requestFingerprint('POST', '/accounts/1/deposits', { amount: '5' })).not.toBe(base);
    expect(requestFingerprint('POST', '/accounts/1/deposits', undefined)).not.toBe(
      requestFingerprint('POST', '/accounts/1/deposits', {}),
    );
  });
});
