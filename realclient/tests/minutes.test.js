'use strict';
// The referat draft in real clients: the secretariat (the playground's user)
// types `referatutkast ID` in the Agents Playground, presses «Last ned Word» on
// the card and the signed link is followed over loopback; LibreOffice headless
// (a throw-away profile) converts that file and seed 003's draft to PDF,
// pdftotext checks the words (æøå, the page number) and pdftoppm draws page 1
// of seed 003's draft as a PNG (docs/referatutkast-seed003.png).
const test = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const {
  USER, GROUP, BOT, cli, session, openPersonalChat, cards, say, newCard, button, joinGroup, removeApp,
} = require('../lib/playground');
const { REPO, freshDir } = require('../lib/paths');

const PERSONAL = 'personal-chat-kari'; // playground.yml's personalChat.id
const TITLE = 'Referatmøte i Teams-testen';
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

function inDays(days, hhmm) {
  const d = new Date(Date.now() + days * 86_400_000);
  return `${d.toISOString().slice(0, 10)} ${hhmm}`;
}

function run(cmd, args, opts = {}) {
  return execFileSync(cmd, args, { encoding: 'utf8', timeout: 90_000, stdio: ['ignore', 'pipe', 'pipe'], ...opts });
}

test('the secretariat downloads the referat draft through its signed link; LibreOffice opens it', async (t) => {
  const { page, step, botErrors } = await session(t, 'minutes');
  t.after(() => removeApp(PERSONAL));
  const out = freshDir('minutes');
  // Action.OpenUrl opens a window in the playground: the URL is what we follow.
  await page.addInitScript(() => {
    window.__opened = [];
    window.open = (url) => { window.__opened.push(String(url)); return null; };
  });
  let meetingId = null;
  let downloaded = null;

  await step('opening the personal chat links the user, made secretariat', 'personal', async () => {
    await openPersonalChat(page);
    await joinGroup();
    cli('members', 'role', USER.email, 'secretariat');
    meetingId = cli('meetings', 'create', '--group', GROUP, '--title', TITLE,
      '--start', inDays(14, '09:00'), '--end', inDays(14, '11:00'),
      '--agenda', path.join(REPO, 'tests/fixtures/seed000_agenda.txt')).trim();
    assert.match(meetingId, /^\d+$/, `meetings create printed ${JSON.stringify(meetingId)}`);
    cli('minutes', 'note', meetingId, '1', '--decision', 'Innkallingen ble godkjent');
  });

  await step('`referatutkast ID` answers the card with its two downloads', 'card', async () => {
    const before = await cards(page).count();
    await say(page, `referatutkast ${meetingId}`);
    const card = await newCard(page, before, 'Referatutkast', 30_000);
    assert.match(await card.innerText(), new RegExp(`Referat møte i ${GROUP}`));
    for (const label of ['Last ned Word', 'Last ned Markdown']) {
      assert.ok(await button(card, label).isVisible(), `no «${label}» button on the card`);
    }
  });

  await step('«Last ned Word»: the signed link serves the draft over loopback', 'download', async () => {
    const card = cards(page).filter({ hasText: 'Referatutkast' }).last();
    await button(card, 'Last ned Word').click();
    await page.waitForFunction(() => window.__opened.length > 0, null, { timeout: 10_000 })
      .catch(() => assert.fail('pressing «Last ned Word» opened no link'));
    const [url] = await page.evaluate(() => window.__opened);
    assert.ok(url.startsWith(`${BOT}/minutes/`) && url.endsWith('/docx'), `not a draft link: ${url}`);
    const res = await fetch(url);
    assert.equal(res.status, 200, await res.clone().text());
    assert.equal(res.headers.get('content-type'), DOCX);
    downloaded = path.join(out, 'referatutkast.docx');
    fs.writeFileSync(downloaded, Buffer.from(await res.arrayBuffer()));
    // The same link with a changed signature is refused.
    const [base, rest] = url.split('/minutes/');
    const sig = rest.split('.')[1];
    const forged = `${base}/minutes/${rest.replace(`.${sig}`, `.${sig[0] === 'A' ? 'B' : 'A'}${sig.slice(1)}`)}`;
    assert.equal((await fetch(forged)).status, 403);
  });

  await step('LibreOffice converts it and seed 003\'s draft; page 1 as a PNG', 'libreoffice', async () => {
    assert.ok(downloaded, 'nothing was downloaded');
    const seed = path.join(out, 'referatutkast-seed003.docx');
    run(process.env.PYTHON || 'python', ['-m', 'tests.minutes_draft_support', seed], { cwd: REPO });
    const profile = fs.mkdtempSync(path.join(process.env.RC_TMP || '/tmp', 'lo-profile-'));
    run('soffice', [`-env:UserInstallation=file://${profile}`, '--headless', '--norestore',
      '--convert-to', 'pdf', '--outdir', out, downloaded, seed], { timeout: 120_000 });
    const mine = run('pdftotext', ['-layout', path.join(out, 'referatutkast.pdf'), '-'])
      .replace(/[ \t\n]+/g, ' ');
    assert.match(mine, new RegExp(`Referat møte i ${GROUP}`));
    assert.match(mine, /Frammøtte/);
    assert.match(mine, /Ingen registrert frammøte/);
    assert.match(mine, /Vedtak: Innkallingen ble godkjent/);
    const seededRaw = run('pdftotext', ['-layout', path.join(out, 'referatutkast-seed003.pdf'), '-']);
    const seeded = seededRaw.replace(/[ \t\n]+/g, ' '); // a long title wraps onto two lines
    for (const words of ['Referat møte i Osloregionens faggruppe for næringssamarbeid',
      'Hasvold Helge Bollæren', 'Mosseregionen:', 'Fra sekretariatet møtte:', '(avlyst)', 'Ingen saker']) {
      assert.ok(seeded.includes(words), `«${words}» not in the PDF of seed 003's draft`);
    }
    // The footer's PAGE field, filled in by LibreOffice: page 1's last line is «1».
    const page1 = seededRaw.split('\f')[0].trim().split('\n');
    assert.equal(page1[page1.length - 1].trim(), '1', 'no page number at the foot of page 1');
    run('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '1', '-singlefile',
      path.join(out, 'referatutkast-seed003.pdf'), path.join(out, 'referatutkast-seed003')]);
    const png = fs.readFileSync(path.join(out, 'referatutkast-seed003.png'));
    assert.equal(png.subarray(1, 4).toString(), 'PNG');
    fs.rmSync(profile, { recursive: true, force: true });
  });

  await t.test('the bot logged no errors during the flow', () => {
    assert.deepEqual(botErrors(), [], `see ${process.env.RC_BOT_LOG}`);
  });
});
