import { describe, expect, it } from 'vitest';
import { loadVenueConfig } from './config.ts';

describe('loadVenueConfig', () => {
  it('defaults everything to loopback and the project data directory', () => {
    expect(loadVenueConfig({})).toMatchObject({
      ACCREDEX_HOST: '127.0.0.1',
      ACCREDEX_RPC_PORT: 8545,
      ACCREDEX_WEB_PORT: 5173,
      ACCREDEX_API_PORT: 8787,
      ACCREDEX_DATA_DIR: '.data',
    });
  });

  it('lists every invalid setting at once', () => {
    expect(() =>
      loadVenueConfig({ ACCREDEX_RPC_PORT: 'eighty', ACCREDEX_API_PORT: '70000', ACCREDEX_DEPLOYMENTS_DIR: '/tmp/x' }),
    ).toThrow(/ACCREDEX_RPC_PORT[\s\S]*ACCREDEX_API_PORT[\s\S]*ACCREDEX_DEPLOYMENTS_DIR/);
  });
});
