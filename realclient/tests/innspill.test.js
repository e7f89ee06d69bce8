'use strict';
// A member submits an innspill and sees it, in the Agents Playground: the
// secretariat (the playground's user, given the role by the CLI) types
// `innspill` in the personal chat, fills the form and opens the session; the
// member card arrives 1:1 (the default from a personal chat); the user writes
// an entry, presses «Send inn innspillet» and sees the confirmation and the entry.
const test = require('node:test');
const assert = require('node:assert/strict');
const {
  USER, cli, until, session, openPersonalChat, cards, say, newCard, button, joinGroup, removeApp,
} = require('../lib/playground');

const PERSONAL = 'personal-chat-kari'; // playground.yml's personalChat.id
const QUESTION = 'Hvilke utfordringer bør regionen ta tak i først?';
const ENTRY = 'Mangel på fagarbeidere i bygg og anlegg';

test('the secretariat opens an innspill, a member submits one and sees it', async (t) => {
  const { page, step, botErrors } = await session(t, 'innspill');
  t.after(() => removeApp(PERSONAL));
  let sessionId = null;

  await step('opening the personal chat links the user as a member', 'personal', async () => {
    await openPersonalChat(page);
    await joinGroup();
    // Opening a session is the secretariat's; the role is read on every turn.
    cli('members', 'role', USER.email, 'secretariat');
  });

  await step('"innspill" in the composer brings the form', 'form', async () => {
    const before = await cards(page).count();
    await say(page, 'innspill');
    const form = await newCard(page, before, 'Nytt innspill');
    assert.ok(await button(form, 'Åpne innspill').isVisible(), 'no «Åpne innspill» button on the form');
  });

  await step('«Åpne innspill» opens the session and the member card arrives 1:1', 'opened', async () => {
    const form = cards(page).filter({ hasText: 'Nytt innspill' }).last();
    await form.getByLabel(/^Spørsmål/).fill(QUESTION)
      .catch((e) => assert.fail(`no «Spørsmål» input on the form: ${e.message.split('\n')[0]}`));
    const before = await cards(page).count();
    await button(form, 'Åpne innspill').click();
    // The pressed form becomes the secretariat's admin card (Action.Execute).
    const admin = cards(page).filter({ hasText: 'Innspillet er åpnet.' }).last();
    await admin.waitFor({ state: 'visible', timeout: 20_000 })
      .catch(() => assert.fail('the form did not turn into the admin card «Innspillet er åpnet.»'));
    const m = /Innspill #(\d+)/.exec(await admin.innerText());
    assert.ok(m, 'the admin card names no session number');
    sessionId = m[1];
    // The member card comes through the delivery worker, as to every member.
    const mine = await newCard(page, before, 'Ditt innspill', 30_000);
    assert.match(await mine.innerText(), new RegExp(QUESTION.replace('?', '\\?')));
  });

  await step('the member writes an entry, presses «Send inn innspillet» and sees it', 'submitted', async () => {
    const mine = cards(page).filter({ hasText: 'Ditt innspill' }).last();
    await mine.getByLabel('Ditt innspill').fill(ENTRY);
    await button(mine, 'Send inn innspillet').click();
    const done = cards(page).filter({ hasText: 'Takk! Innspillet ditt er sendt inn' }).last();
    await done.waitFor({ state: 'visible', timeout: 20_000 })
      .catch(() => assert.fail('no confirmation «Takk! Innspillet ditt er sendt inn» on the card'));
    const text = await done.innerText();
    assert.match(text, /sendt inn \(1 av \d+\)/, 'the confirmation does not count the entry');
    assert.match(text, /Dine innspill:/, 'the card does not list the member\'s entries');
    assert.ok(text.includes(ENTRY), `the entry «${ENTRY}» is not shown on the card`);
  });

  await step('the entry is stored: the export has it', 'stored', async () => {
    assert.ok(sessionId, 'no session was opened');
    const md = await until(`the entry in export innspill ${sessionId}`,
      () => cli('export', 'innspill', sessionId, '--format', 'md'), (out) => out.includes(ENTRY));
    t.diagnostic(md.trim().split('\n').slice(0, 6).join(' | '));
  });

  await t.test('the bot logged no errors during the flow', () => {
    assert.deepEqual(botErrors(), [], `see ${process.env.RC_BOT_LOG}`);
  });
});
