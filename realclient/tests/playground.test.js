'use strict';
// The bot as a Teams user meets it, in Microsoft's own Agents Playground:
// open the personal chat, see the welcome card, ask for help, see the help card.
// run.sh starts the bot and the playground and passes their URLs in.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { launch } = require('../lib/browser');
const { REPO, freshDir } = require('../lib/paths');
const { logTail, waitFor } = require('../lib/playground');

const BOT = process.env.RC_BOT_URL;
const PLAYGROUND = process.env.RC_PLAYGROUND_URL;
const shots = freshDir('playground');
const WELCOME_BUDGET_MS = 10_000;

test('Agents Playground with the real bot', async (t) => {
  assert.ok(BOT && PLAYGROUND, 'RC_BOT_URL / RC_PLAYGROUND_URL unset: start this through realclient/run.sh');
  await waitFor(`${BOT}/healthz`, (r) => r.status === 200, 60)
    .catch((e) => assert.fail(`${e.message}\n--- bot log ---\n${logTail(process.env.RC_BOT_LOG)}`));
  await waitFor(`${PLAYGROUND}/_debug/ping`, (r, body) => body.trim() === 'pong', 60)
    .catch((e) => assert.fail(`${e.message}\n--- playground log ---\n${logTail(process.env.RC_PLAYGROUND_LOG)}`));

  const browser = await launch({ width: 1280, height: 900 });
  t.after(() => browser.close());
  const page = await browser.context.newPage();
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  const cards = page.locator('.ac-adaptiveCard');
  // Each step screenshots itself, also on failure, so a red run shows what the user saw.
  const step = (name, shot, fn) => t.test(name, async () => {
    try {
      await fn();
    } finally {
      await page.screenshot({ path: path.join(shots, shot), fullPage: true }).catch(() => {});
    }
  });

  let welcomeMs = null;
  await step('opening the personal chat shows the welcome card', '01-welcome.png', async () => {
    // Loading the UI makes the playground send installationUpdate + conversationUpdate
    // for the personal chat at once, so the clock starts before the page loads.
    const opened = Date.now();
    await page.goto(PLAYGROUND, { waitUntil: 'domcontentloaded' });
    await page.locator('button[role="treeitem"][aria-label="Personal Chat"]').click({ timeout: 30_000 });
    await cards.filter({ hasText: 'Velkommen' }).first().waitFor({ state: 'visible', timeout: 30_000 });
    welcomeMs = Date.now() - opened;
    t.diagnostic(`welcome card visible ${welcomeMs} ms after loading the playground`);
  });

  await t.test(`the welcome card arrives within ${WELCOME_BUDGET_MS / 1000} s`, () => {
    // Bot Service gives up on an activity after 10-15 s; a welcome slower than
    // that would be lost in real Teams even though the playground waits for it.
    assert.ok(welcomeMs !== null, 'no welcome card at all');
    assert.ok(welcomeMs < WELCOME_BUDGET_MS, `welcome card took ${welcomeMs} ms`);
  });

  await step('"hjelp" in the composer brings the help card', '02-help.png', async () => {
    const before = await cards.count();
    const composer = page.locator('div[contenteditable="true"][role="textbox"]');
    await composer.click();
    await composer.pressSequentially('hjelp');
    const sent = Date.now();
    await composer.press('Enter');
    await page.waitForFunction((n) => document.querySelectorAll('.ac-adaptiveCard').length > n,
      before, { timeout: 30_000 });
    const newest = cards.last();
    await newest.waitFor({ state: 'visible' });
    assert.match(await newest.innerText(), /Hjelp/, 'newest card after "hjelp" is not the help card');
    t.diagnostic(`help card visible ${Date.now() - sent} ms after sending`);
  });

  await t.test('the help picture goes to docs/ for the README, from this run', () => {
    fs.copyFileSync(path.join(shots, '02-help.png'), path.join(REPO, 'docs', 'playground-help.png'));
  });

  await t.test('the bot logged no errors while the playground drove it', () => {
    // The UI can look right while a turn failed behind it (for example one of
    // the two install activities); the bot logs those at ERROR.
    const errors = fs.readFileSync(process.env.RC_BOT_LOG || '/dev/null', 'utf8')
      .split('\n').filter((l) => / (ERROR|CRITICAL) /.test(l));
    assert.deepEqual(errors, [], `see ${process.env.RC_BOT_LOG}`);
  });

  if (pageErrors.length) t.diagnostic(`playground page errors: ${pageErrors.join(' | ')}`);
  t.diagnostic(`blocked ${browser.blocked.length} outside request(s) from the playground UI`);
});
