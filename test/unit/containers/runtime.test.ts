// Unit tests for what the lab reads from the installed testcontainers beyond its documented API (no engine needed).
import { describe, expect, it } from 'vitest';
import { reaperSettings } from '../../../src/containers/runtime.js';

describe('reaperSettings', () => {
  it("names testcontainers' reaper image, as the installed testcontainers would start it", async () => {
    const { image } = await reaperSettings();
    expect(image).toMatch(/^testcontainers\/ryuk:\d+\.\d+\.\d+$/);
  });

  it('follows TESTCONTAINERS_RYUK_DISABLED', async () => {
    const before = process.env.TESTCONTAINERS_RYUK_DISABLED;
    try {
      process.env.TESTCONTAINERS_RYUK_DISABLED = 'true';
      expect((await reaperSettings()).enabled).toBe(false);
      delete process.env.TESTCONTAINERS_RYUK_DISABLED;
      expect((await reaperSettings()).enabled).toBe(true);
    } finally {
      if (before === undefined) delete process.env.TESTCONTAINERS_RYUK_DISABLED;
      else process.env.TESTCONTAINERS_RYUK_DISABLED = before;
    }
  });
});
