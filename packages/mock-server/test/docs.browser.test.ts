/**
 * The API reference page in a real browser: Debian's Chromium driven by playwright-core. Skipped, with
 * one line saying why, only where no Chromium is installed (`.ci/run` installs it with apt).
 */
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StartedServer, startServer } from '../src/index.js';
import { DOCS_ROUTE } from '../src/plugins/docs.js';

const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const haveBrowser = existsSync(executablePath);
if (!haveBrowser) {
  console.info(`docs page browser test: skipped (no Chromium at ${executablePath}; set CHROMIUM_PATH)`);
}

describe.skipIf(!haveBrowser)('the /docs page in Chromium', () => {
  let mock: StartedServer;
  let browser: Browser;

  beforeAll(async () => {
    mock = await startServer();
    browser = await chromium.launch({
      executablePath,
      headless: true,
      // Playwright gives it a fresh profile; keep Chromium from dialling out (no internet here).
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await mock?.close();
  });

  it('shows the getappinfo operation with its parameters and sends a request that succeeds', async () => {
    const page = await browser.newPage();
    await page.goto(`${mock.url}${DOCS_ROUTE}`);
    const operation = page.locator('.opblock-post', { hasText: '/v4/openconfigsvr/getappinfo' });
    await operation.locator('.opblock-summary').click();

    // Wait until the operation has expanded before counting its parameters.
    await operation.locator('.parameters .parameter__name').first().waitFor({ timeout: 20_000 });
    for (const name of ['sdkappid', 'identifier', 'usersig', 'random', 'contenttype']) {
      await expect(
        operation.locator('.parameters .parameter__name', { hasText: name }).count(),
      ).resolves.toBe(1);
    }
    // The request body example names fields from the catalogue.
    await expect(operation.locator('.body-param__text').inputValue()).resolves.toContain('ChainIncrease');

    await operation.locator('button.execute').click();
    const answer = operation.locator('.live-responses-table .response-col_description pre').first();
    await answer.waitFor({ timeout: 20_000 });
    const text = (await answer.textContent()) ?? '';
    const envelope = JSON.parse(text) as { ErrorCode: number; Result: Record<string, string>[] };
    expect(envelope.ErrorCode).toBe(0);
    expect(envelope.Result.length).toBeGreaterThan(0);
    expect(Object.keys(envelope.Result[0]!).sort()).toEqual(['ChainDecrease', 'ChainIncrease', 'Date']);
    await page.close();
  }, 60_000);
});
