'use strict';
// Every card the bot can send (`python app.py cards dump`), checked with
// Microsoft's Adaptive Cards library and rendered to PNG in headless Chromium.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { checkCard } = require('../lib/cards');
const { launch } = require('../lib/browser');
const { serve } = require('../lib/static-server');
const { freshDir, appCli, attempt } = require('../lib/paths');

const jsonDir = freshDir('cards-json');
const dumpError = attempt(() => appCli(['cards', 'dump', jsonDir]));
const names = fs.readdirSync(jsonDir).filter((f) => f.endsWith('.json')).sort();
const pngDir = freshDir('cards');

test('cards dump wrote at least the welcome and help cards', () => {
  assert.equal(dumpError, null, 'python app.py cards dump failed');
  assert.ok(names.length >= 2, `only ${names.length} card(s) dumped to ${jsonDir}`);
  assert.ok(names.some((n) => n.startsWith('welcome')), 'no welcome card dumped');
  assert.ok(names.some((n) => n.startsWith('help')), 'no help card dumped');
});

for (const name of names) {
  test(`card ${name} passes the Adaptive Cards library and the Teams checks`, () => {
    const issues = checkCard(JSON.parse(fs.readFileSync(path.join(jsonDir, name), 'utf8')));
    assert.deepEqual(issues, [], `${name}:\n  ${issues.join('\n  ')}`);
  });
}

test('every card renders to a PNG in Chromium', async (t) => {
  const server = await serve(jsonDir);
  const browser = await launch({ width: 520, height: 800 });
  t.after(async () => { await browser.close(); await server.close(); });
  const page = await browser.context.newPage();
  for (const name of names) {
    await t.test(name, async () => {
      await page.goto(`${server.url}/render.html?card=${encodeURIComponent(name)}`);
      await page.waitForFunction(() => window.renderResult, null, { timeout: 15_000 });
      const result = await page.evaluate(() => window.renderResult);
      assert.ok(result.ok, `${name} did not render: ${result.error}`);
      assert.ok(result.text.trim().length > 0, `${name} rendered without visible text`);
      const box = await page.locator('#card').boundingBox();
      assert.ok(box && box.height > 20, `${name} rendered ${box && box.height}px high`);
      const png = path.join(pngDir, name.replace(/\.json$/, '.png'));
      await page.locator('#card').screenshot({ path: png });
      assert.ok(fs.statSync(png).size > 1000, `${png} is suspiciously small`);
    });
  }
  // Images in sample cards may point outside; they are blocked, never fetched.
  if (browser.blocked.length) t.diagnostic(`blocked outside requests: ${browser.blocked.join(', ')}`);
});
