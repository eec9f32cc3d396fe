import type { Type } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate, type ValidationError } from 'class-validator';
import { InvalidIntegrationMessageError } from '../errors/invalid-integration-message-error';

/** Number literals of a JSON text (strings skipped). */
const TOKENS = /"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g;
const MAX_DEPTH = 32;

/**
 * A message body parsed from JSON and, with a `body` class, validated into an instance
 * of it. Numbers a JavaScript number cannot hold as written are refused rather than
 * rounded: an integer beyond 2^53, or a decimal with more than 15 significant digits
 * (so `100.0000000000000001` cents never becomes 100).
 * @throws InvalidIntegrationMessageError @internal
 */
export async function parseBody(id: string, body: Uint8Array, bodyClass: Type | undefined): Promise<unknown> {
  const text = Buffer.from(body).toString('utf8');
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new InvalidIntegrationMessageError(id, [`the body is not JSON (${(error as Error).message})`]);
  }
  const inexact = [...text.matchAll(TOKENS)]
    .map((m) => m[0])
    .filter((token) => !token.startsWith('"') && !exact(token));
  if (inexact.length > 0) {
    throw new InvalidIntegrationMessageError(id, [`${inexact.slice(0, 3).join(', ')} cannot be held exactly`]);
  }
  if (!bodyClass) return data;
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new InvalidIntegrationMessageError(id, ['the body must be a JSON object']);
  }
  if (depth(data) > MAX_DEPTH)
    throw new InvalidIntegrationMessageError(id, [`the body nests deeper than ${MAX_DEPTH}`]);
  const instance = plainToInstance(bodyClass, data) as object;
  const errors = await validate(instance, { forbidUnknownValues: true });
  if (errors.length > 0)
    throw new InvalidIntegrationMessageError(
      id,
      errors.flatMap((e) => problems(e, '')),
    );
  return instance;
}

function exact(token: string): boolean {
  if (/^-?\d+$/.test(token)) return Number.isSafeInteger(Number(token));
  const digits = token
    .replace(/[eE].*$/, '')
    .replace(/[-.]/g, '')
    .replace(/^0+/, '')
    .replace(/0+$/, '');
  return digits.length <= 15 && Number.isFinite(Number(token));
}

function depth(value: unknown): number {
  if (value === null || typeof value !== 'object') return 0;
  return 1 + Math.max(0, ...Object.values(value).map(depth));
}

function problems(error: ValidationError, parent: string): string[] {
  const field = parent ? `${parent}.${error.property}` : error.property;
  const own = Object.values(error.constraints ?? {}).map((message) => `${field}: ${message}`);
  return [...own, ...(error.children ?? []).flatMap((child) => problems(child, field))];
}
