import { describe, expect, it } from 'vitest';
import { generateWebhookSecret } from '../../sdk/webhooks.ts';
import { loadKeeperConfig } from './config.ts';

describe('loadKeeperConfig: the webhook secret', () => {
  it('needs no secret without a webhook URL', () => {
    expect(loadKeeperConfig({}).ACCREDEX_WEBHOOK_SECRET).toBeUndefined();
  });

  it('takes a URL with a well-formed secret', () => {
    const secret = generateWebhookSecret();
    const config = loadKeeperConfig({ ACCREDEX_WEBHOOK_URL: 'https://example.com/hook', ACCREDEX_WEBHOOK_SECRET: secret });
    expect(config.ACCREDEX_WEBHOOK_SECRET).toBe(secret);
  });

  it('refuses a URL without a secret, naming ACCREDEX_WEBHOOK_SECRET', () => {
    expect(() => loadKeeperConfig({ ACCREDEX_WEBHOOK_URL: 'https://example.com/hook' })).toThrow(/ACCREDEX_WEBHOOK_SECRET: required when ACCREDEX_WEBHOOK_URL is set/);
  });

  it('lists the missing secret among every other problem', () => {
    expect(() => loadKeeperConfig({ ACCREDEX_WEBHOOK_URL: 'https://example.com/hook', ACCREDEX_API_PORT: '70000', ACCREDEX_POLL_MS: 'soon' })).toThrow(
      /ACCREDEX_API_PORT[\s\S]*ACCREDEX_POLL_MS[\s\S]*ACCREDEX_WEBHOOK_SECRET: required/,
    );
  });

  it('refuses a malformed secret, naming the format', () => {
    for (const secret of ['hunter2', 'whsec_c2hvcnQ=', 'whsec_***']) {
      expect(() => loadKeeperConfig({ ACCREDEX_WEBHOOK_URL: 'https://example.com/hook', ACCREDEX_WEBHOOK_SECRET: secret })).toThrow(
        /ACCREDEX_WEBHOOK_SECRET: The webhook secret must be "whsec_" followed by the base64 of at least 24 random bytes/,
      );
    }
    expect(() => loadKeeperConfig({ ACCREDEX_WEBHOOK_SECRET: 'hunter2' })).toThrow(/ACCREDEX_WEBHOOK_SECRET/);
  });
});
