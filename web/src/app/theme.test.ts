import { describe, expect, it } from 'vitest';
import { nextTheme } from './theme.ts';

describe('nextTheme', () => {
  it('cycles system, light, dark, and back to system', () => {
    expect([nextTheme('system'), nextTheme('light'), nextTheme('dark')]).toEqual(['light', 'dark', 'system']);
  });
});
