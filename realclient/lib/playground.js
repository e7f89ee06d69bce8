'use strict';
// Shared steps for the Agents Playground flows (meetings, innspill, round): one
// bot and one playground serve the whole run, so each flow sets up what it
// needs itself and reads only what it adds.
const fs = require('node:fs');
const path = require('node:path');
const { launch } = require('./browser');
const { appCli, freshDir } = require('./paths');

const BOT = process.env.RC_BOT_URL;
const PLAYGROUND = process.env.RC_PLAYGROUND_URL;
// run.sh starts the bot on $RC_TMP/rc.db; the CLI on the same file shares it.
const DATABASE_URL = process.env.RC_DATABASE_URL
  || (process.env.RC_TMP ? `sqlite:///${process.env.RC_TMP}/rc.db` : '');
const BOT_LOG = process.env.RC_BOT_LOG || '/dev/null';
// playground.yml's current user: the person every flow acts as.
const USER = { name: 'Kari Nordmann', email: 'kari.nordmann@example.com' };
const COMPOSER = 'div[contenteditable="true"][role="textbox"]';

function logTail(file, lines = 25) {
  if (!file || !fs.existsSync(file)) return '(no log)';
  return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
}

// The CLI against the running bot's database; a failure carries its stderr.
function cli(...args) {
  try {
    return appCli(args, { DATABASE_URL });
  } catch (e) {
    throw new Error(`python app.py ${args.join(' ')} failed: ${e.stderr || e.message}`);
  }
}

async function waitFor(url, accept, seconds) {
  const deadline = Date.now() + seconds * 1000;
  let last = 'no answer';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      const body = await res.text();
      if (accept(res, body)) return;
      last = `${res.status} ${body.slice(0, 200)}`;
    } catch (e) {
      last = e.message;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} not ready after ${seconds}s: ${last}`);
}

async function ready() {
  if (!BOT || !PLAYGROUND || !DATABASE_URL) {
    throw new Error('RC_BOT_URL / RC_PLAYGROUND_URL / RC_TMP unset: start this through realclient/run.sh');
  }
  await waitFor(`${BOT}/healthz`, (r) => r.status === 200, 60)
    .catch((e) => { throw new Error(`${e.message}\n--- bot log ---\n${logTail(BOT_LOG)}`); });
  await waitFor(`${PLAYGROUND}/_debug/ping`, (r, body) => body.trim() === 'pong', 60)
    .catch((e) => { throw new Error(`${e.message}\n--- playground log ---\n${logTail(process.env.RC_PLAYGROUND_LOG)}`); });
}

// Polls a CLI read until `accept` finds what it wants (the bot commits after
// the UI has shown its reply, so the database may lag the screen a little).
async function until(what, read, accept, seconds = 15) {
  const deadline = Date.now() + seconds * 1000;
  let last;
  while (Date.now() < deadline) {
    last = read();
    if (accept(last)) return last;
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`${what} not seen within ${seconds}s; last read:\n${last}`);
}

// A browser on the playground with a screenshot per step (also when the step
// fails) into out/playground/<flow>/, and the bot log's length at the start so
// that a flow can see only the errors it caused.
async function session(t, flow) {
  await ready();
  const shots = freshDir('playground', flow);
  const logStart = fs.existsSync(BOT_LOG) ? fs.statSync(BOT_LOG).size : 0;
  const browser = await launch({ width: 1280, height: 1000 });
  t.after(() => browser.close());
  const page = await browser.context.newPage();
  let n = 0;
  const step = (name, shot, fn) => t.test(name, async () => {
    const file = `${String(++n).padStart(2, '0')}-${shot}.png`;
    try {
      await fn();
    } finally {
      await page.screenshot({ path: path.join(shots, file), fullPage: true }).catch(() => {});
    }
  });
  const botErrors = () => {
    const fd = fs.openSync(BOT_LOG, 'r');
    const size = fs.fstatSync(fd).size;
    const buf = Buffer.alloc(Math.max(0, size - logStart));
    fs.readSync(fd, buf, 0, buf.length, logStart);
    fs.closeSync(fd);
    return buf.toString('utf8').split('\n').filter((l) => / (ERROR|CRITICAL) /.test(l));
  };
  return { page, step, botErrors, shots };
}

// Loading the UI installs the bot in the personal chat, clicking a channel in
// its team. The playground's log panel lists each install activity with the
// bot's HTTP answer, which comes after the bot's turn (and its commit): a
// re-install after an earlier file removed the app is then on record too.
async function openChat(page, label) {
  const answered = page.getByText(/^(installationUpdate|conversationUpdate) 201$/);
  if (!page.url().startsWith(PLAYGROUND)) await page.goto(PLAYGROUND, { waitUntil: 'domcontentloaded' });
  // The personal chat's pair is sent on load (possibly already counted), a
  // channel's when it is first clicked: two more log lines than before.
  const want = label === 'Personal Chat' ? 2 : await answered.count() + 2;
  await page.locator(`button[role="treeitem"][aria-label="${label}"]`).click({ timeout: 30_000 });
  const deadline = Date.now() + 30_000;
  while (await answered.count() < want) {
    if (Date.now() > deadline) throw new Error(`the playground's log shows no answered install for «${label}» within 30 s`);
    await page.waitForTimeout(200);
  }
}

// The personal chat, with the user linked: on a first install the bot links
// them in the install turn (and welcomes them); when an earlier test file left
// the app installed there is no welcome, so the member list is what we wait for.
async function openPersonalChat(page) {
  await openChat(page, 'Personal Chat');
  await until('the playground user linked as a member', () => cli('members', 'list'),
    (out) => out.includes(USER.email), 30);
}

const cards = (page) => page.locator('.ac-adaptiveCard');

// Types into the composer; in a group chat or channel the bot only hears an
// @mention, picked from the playground's own mention menu as a user would. In
// a channel the first composer starts a new post (the others are replies).
async function say(page, text, { mention = false, channel = false } = {}) {
  const composer = page.locator(COMPOSER).first();
  await composer.click();
  if (mention) {
    await composer.pressSequentially('@');
    await page.locator('div[role="menuitem"]:has-text("Faggruppe-bot")').first().click({ timeout: 10_000 });
    await composer.pressSequentially(' ');
  }
  await composer.pressSequentially(text);
  if (channel) await page.getByRole('button', { name: 'Post', exact: true }).click();
  else await composer.press('Enter');
}

// The newest top-level card containing `text` once there are more than `before`
// cards: what a user sees as "the bot answered with …".
async function newCard(page, before, text, timeout = 20_000) {
  await page.waitForFunction(([n]) => document.querySelectorAll('.ac-adaptiveCard').length > n,
    [before], { timeout }).catch(() => {
    throw new Error(`no new card within ${timeout / 1000}s (still ${before})`);
  });
  const card = cards(page).filter({ hasText: text }).last();
  await card.waitFor({ state: 'visible', timeout }).catch(() => {
    throw new Error(`no card with "${text}" within ${timeout / 1000}s`);
  });
  return card;
}

// The working group every flow uses. Kari (the playground's user) joins it by
// e-mail; Ola and Ingrid are playground users too, so a team roster sync finds
// the same people. No role column: a flow sets the role it needs itself.
const GROUP = 'Faggruppe for næringssamarbeid';
const MEMBERS_CSV = [
  'name,organisation,email,role,group',
  `Kari Nordmann,Oslo kommune,${USER.email},,${GROUP}`,
  `Ola Hansen,Asker kommune,ola.hansen@example.com,,${GROUP}`,
  `Ingrid Berg,Lillestrøm kommune,ingrid.berg@example.com,,${GROUP}`,
].join('\n');

// Imports the group; call it after openPersonalChat: importing before the bot
// has linked the user would add a second Kari instead of updating that member.
async function joinGroup() {
  const file = path.join(process.env.RC_TMP, 'members.csv');
  fs.writeFileSync(file, `${MEMBERS_CSV}\n`);
  cli('members', 'import', file);
  const inGroup = cli('members', 'list', '--group', GROUP);
  if (!inGroup.includes(USER.email)) throw new Error(`${USER.email} not in «${GROUP}»:\n${inGroup}`);
}

// The user removes the app from a conversation (a real Teams event, sent
// through the playground). Each flow ends so, so the next one, and
// playground.test.js, meet the bot as a first install with its welcome card.
async function removeApp(conversationId) {
  const q = `conversationId=${encodeURIComponent(conversationId)}&type=uninstall`;
  const template = await (await fetch(`${PLAYGROUND}/_internal/v1/customActivities/template?${q}`)).json();
  const res = await fetch(`${PLAYGROUND}/_internal/v1/customActivities`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(template),
  });
  if (!res.ok) throw new Error(`uninstall in ${conversationId}: ${res.status} ${await res.text()}`);
}

// Card buttons by their title; the aria-label is what the playground renders.
function button(card, title) {
  return card.locator(`button[aria-label="${title}"]`).first();
}

module.exports = {
  BOT, PLAYGROUND, DATABASE_URL, USER, cli, until, session, openChat, openPersonalChat, cards, say, newCard,
  button, logTail, GROUP, joinGroup, removeApp, waitFor,
};
