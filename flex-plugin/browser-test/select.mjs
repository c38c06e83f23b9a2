// Drives headless Chromium (Debian's, no browser download: playwright-core) to a page that loads the built plugin
// bundle into a stand-in for the Flex UI, selects a task there, and prints what the plugin's call to the app got:
//   node select.mjs <page URL> <task SID>   →   {"results":[202]} or {"results":["error: Failed to fetch"]}
// The page (served by the test) decides the origin; the browser decides CORS.
import { chromium } from 'playwright-core';

const [pageUrl, taskSid] = process.argv.slice(2);
const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-gpu'] });
try {
  const page = await browser.newPage();
  const console = [];
  page.on('console', (message) => console.push(message.text()));
  await page.goto(pageUrl);
  await page.waitForFunction(() => window.flexStandIn?.ready === true, null, { timeout: 10_000 });
  await page.evaluate((sid) => window.flexStandIn.select(sid), taskSid);
  await page.waitForFunction(() => window.flexStandIn.results.length > 0, null, { timeout: 15_000 });
  const results = await page.evaluate(() => window.flexStandIn.results);
  process.stdout.write(JSON.stringify({ results, console }) + '\n');
} finally {
  await browser.close();
}
