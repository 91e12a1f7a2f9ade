// Unit tests for hiding passwords in service URLs.
import { describe, expect, it } from 'vitest';
import { redact } from '../../../src/resources/redact.js';

describe('redact', () => {
  it.each([
    ['postgres://lab:secret@db:5432/x', 'postgres://lab:***@db:5432/x'],
    ['redis://:s3cret@cache:6379', 'redis://:***@cache:6379'],
    ['redis://user:pa%40ss@cache:6379/0', 'redis://user:***@cache:6379/0'],
    ['postgres://lab@db/x', 'postgres://lab@db/x'],
    ['redis://cache:6379', 'redis://cache:6379'],
  ])('%s -> %s', (url, expected) => {
    expect(redact(url)).toBe(expected);
  });
});
