// Unit tests for turning commander's usage errors into the lab's one-line form.
import { describe, it, expect } from 'vitest';
import { commanderErrorLine } from '../../../src/cli/process.js';

describe('commanderErrorLine', () => {
  it.each([
    ["error: unknown option '--frobnicate'\n", "kafka-dup-lab: unknown option '--frobnicate'; see --help\n"],
    ["error: missing required argument 'scenario'\n", "kafka-dup-lab: missing required argument 'scenario'; see --help\n"],
    ["error: unknown command 'runn'\n(Did you mean run?)\n", "kafka-dup-lab: unknown command 'runn' (did you mean run?); see --help\n"],
    ["error: unknown option '--varient'\n(Did you mean --variant?)\n", "kafka-dup-lab: unknown option '--varient' (did you mean --variant?); see --help\n"],
  ])('%j', (text, line) => {
    expect(commanderErrorLine(text)).toBe(line);
  });

  it('always gives exactly one line', () => {
    for (const text of ['error: a\n\n(b)\n(c)\n', '', 'no prefix']) {
      expect(commanderErrorLine(text).trimEnd().split('\n')).toHaveLength(1);
    }
  });
});
