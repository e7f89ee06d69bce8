'use strict';
// A member sees the invitation in the Agents Playground and answers it: the
// secretariat's CLI creates a meeting for the member's group and sends it; the
// bot delivers it 1:1 through the playground's Bot Connector; the member
// presses «Kommer (fysisk)» and sees their own answer on the card; the
// attendance export lists them. run.sh starts the bot and the playground.
const test = require('node:test');
const assert = require('node:assert/strict');
const {
  USER, GROUP, cli, until, session, openPersonalChat, cards, newCard, button, joinGroup, removeApp,
} = require('../lib/playground');

const PERSONAL = 'personal-chat-kari'; // playground.yml's personalChat.id
const TITLE = 'Faggruppemøte i Teams-testen';

// Two weeks ahead, so the answer deadline (the start, by default) is open.
function inDays(days, hhmm) {
  const d = new Date(Date.now() + days * 86_400_000);
  return `${d.toISOString().slice(0, 10)} ${hhmm}`;
}

test('a member sees the invitation in the personal chat and answers it', async (t) => {
  const { page, step, botErrors } = await session(t, 'meetings');
  t.after(() => removeApp(PERSONAL));
  let meetingId = null;

  await step('opening the personal chat links the user as a member', 'personal', async () => {
    await openPersonalChat(page);
    await joinGroup();
  });

  await step('meetings create + send delivers the invitation card', 'invitation', async () => {
    const before = await cards(page).count();
    meetingId = cli('meetings', 'create', '--group', GROUP, '--title', TITLE,
      '--start', inDays(14, '09:00'), '--end', inDays(14, '11:00'),
      '--place', 'Oslo rådhus').trim();
    assert.match(meetingId, /^\d+$/, `meetings create printed ${JSON.stringify(meetingId)}`);
    // `send` returns once the send-out is done; it lists whom it could not reach.
    const sent = cli('meetings', 'send', meetingId);
    assert.doesNotMatch(sent, new RegExp(`ikke nådd\\t${USER.name}`), `not delivered to ${USER.name}:\n${sent}`);
    const card = await newCard(page, before, `Innkalling: ${TITLE}`, 30_000);
    for (const label of ['Kommer (fysisk)', 'Kommer (digitalt)', 'Kommer ikke', 'Usikker']) {
      assert.ok(await button(card, label).isVisible(), `no «${label}» button on the invitation`);
    }
    assert.match(await card.innerText(), /Oslo rådhus/, 'the place is missing from the card');
    // The export lists those who said yes: before the click, not the member.
    const csv = cli('export', 'attendance', meetingId, '--format', 'csv');
    assert.ok(!csv.includes(USER.name), `listed before answering:\n${csv}`);
  });

  await step('«Kommer (fysisk)» turns the card into the member\'s own answer', 'answered', async () => {
    const card = cards(page).filter({ hasText: `Innkalling: ${TITLE}` }).last();
    await button(card, 'Kommer (fysisk)').click();
    // Action.Execute: the bot answers the invoke with the clicker's own card,
    // which the playground puts in place of the one that was pressed.
    const answered = cards(page).filter({ hasText: 'Ditt svar: Kommer (fysisk)' }).last();
    await answered.waitFor({ state: 'visible', timeout: 20_000 })
      .catch(() => assert.fail('the card did not update to «Ditt svar: Kommer (fysisk)»'));
    assert.match(await answered.innerText(), /Takk! Svaret ditt er registrert\./);
  });

  await step('the answer is stored: the attendance export lists the member', 'stored', async () => {
    assert.ok(meetingId, 'no meeting was created');
    // CSV «NAVN;KOMMUNE / REGION;SEKRETARIAT» of those who answered yes.
    const csv = await until(`${USER.name} in export attendance ${meetingId}`,
      () => cli('export', 'attendance', meetingId, '--format', 'csv'),
      (out) => out.split('\n').some((l) => l.startsWith(`${USER.name};`)));
    t.diagnostic(csv.trim().replace(/\n/g, ' | '));
  });

  await t.test('the bot logged no errors during the flow', () => {
    assert.deepEqual(botErrors(), [], `see ${process.env.RC_BOT_LOG}`);
  });
});
