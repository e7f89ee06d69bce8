'use strict';
// A short round-the-table in the team's channel, in the Agents Playground: the
// secretariat (the playground's user) links the team to the group, types
// `@Faggruppe-bot runde`, starts the round, presses «Neste taler» until it ends and
// sees the summary posted. In a channel the bot hears only @mentions.
const test = require('node:test');
const assert = require('node:assert/strict');
const {
  USER, GROUP, cli, session, openChat, openPersonalChat, cards, say, newCard, button, joinGroup, removeApp,
} = require('../lib/playground');

const PERSONAL = 'personal-chat-kari'; // playground.yml's personalChat.id
const CHANNEL = 'Osloregionen - General'; // playground.yml's team, as the UI names it
const CHANNEL_ID = 'team-osloregionen'; // General's conversation id is the team's id
const TOPIC = 'Status for næringsplanene';
const MAX_SPEAKERS = 12; // the group has 5 non-secretariat members; a loop past this is a bug

test('the secretariat runs a short round in the team channel', async (t) => {
  const { page, step, botErrors } = await session(t, 'round');
  t.after(() => removeApp(PERSONAL));
  t.after(() => removeApp(CHANNEL_ID));
  const speakers = []; // «Region (Name, …)» as the card showed them, in order

  await step('the user is a linked secretariat member of the group', 'personal', async () => {
    // The personal chat first: there the bot links the user, and the group
    // exists before the team is installed.
    await openPersonalChat(page);
    await joinGroup();
    cli('members', 'role', USER.email, 'secretariat'); // rounds are run by the secretariat
  });

  await step('opening the channel installs the bot in the team (welcome card)', 'channel', async () => {
    await openChat(page, CHANNEL);
    await cards(page).filter({ hasText: 'Velkommen' }).first()
      .waitFor({ state: 'visible', timeout: 30_000 })
      .catch(() => assert.fail(`no welcome card in «${CHANNEL}»: the team install did not reach the bot`));
  });

  await step('"@Faggruppe-bot koble …" links the team to the group', 'linked', async () => {
    await say(page, `koble ${GROUP}`, { mention: true, channel: true });
    await page.getByText(`Teamet er nå koblet til «${GROUP}».`).last()
      .waitFor({ state: 'visible', timeout: 20_000 })
      .catch(() => assert.fail('no «Teamet er nå koblet til …» reply to koble'));
  });

  await step('"@Faggruppe-bot runde" brings the form, «Start runden» the round card', 'started', async () => {
    const before = await cards(page).count();
    await say(page, 'runde', { mention: true, channel: true });
    const form = await newCard(page, before, 'Start runden rundt bordet');
    await form.getByLabel('Tema').fill(TOPIC);
    await button(form, 'Start runden').click();
    const live = cards(page).filter({ hasText: 'Runden rundt bordet' }).filter({ hasText: 'Nå:' }).last();
    await live.waitFor({ state: 'visible', timeout: 20_000 })
      .catch(() => assert.fail('no round card with «Nå:» after «Start runden»'));
    assert.match(await live.innerText(), new RegExp(`Tema: ${TOPIC}`));
  });

  await step('«Neste taler» moves through every speaker until the round ends', 'finished', async () => {
    // The card is swapped in place on each press (the bot's update, then the
    // invoke answer), so progress is read from every round card on screen at
    // once: «Har snakket:» grows by one per press, or the round has ended.
    // Channel posts are newest first, and the welcome also says «Runden rundt
    // bordet», hence the anchored heading instead of "the last card".
    const after = (presses) => page.waitForFunction(([want]) => {
      const texts = [...document.querySelectorAll('.ac-adaptiveCard')].map((c) => c.innerText)
        .filter((s) => /^Runden (rundt bordet|er avsluttet)/.test(s)); // not the welcome's bullet
      const spoken = (s) => ((/Har snakket: (.+)/.exec(s) || [])[1] || '').split('; ').filter(Boolean).length;
      const settled = texts.length > 0 && texts.every((s) => /Runden er avsluttet/.test(s)
        || (spoken(s) === want && /Nå: /.test(s)));
      return settled ? texts[texts.length - 1] : null;
    }, [presses], { timeout: 20_000 }).then((h) => h.jsonValue())
      .catch(() => assert.fail(`the round card did not move on after ${presses} press(es) of «Neste taler»`));
    const round = cards(page).filter({ hasText: `Tema: ${TOPIC}` }).filter({ hasText: 'Runden rundt bordet' }).last();
    let text = await after(0);
    while (!/Runden er avsluttet/.test(text)) {
      assert.ok(speakers.length < MAX_SPEAKERS, `still going after ${speakers.length} presses`);
      speakers.push(/Nå: (.+?) – til kl\./.exec(text)[1]);
      await button(round, 'Neste taler').click();
      text = await after(speakers.length);
    }
    assert.ok(speakers.length >= 2, `only ${speakers.length} speaker(s): ${speakers.join(', ')}`);
    assert.equal(new Set(speakers).size, speakers.length, `a speaker came twice: ${speakers.join(', ')}`);
    t.diagnostic(`speakers in order: ${speakers.join(' → ')}`);
  });

  await step('the summary is posted in the channel', 'summary', async () => {
    // A Markdown message, not a card: «Runden – tema …», then the regions.
    // (exact: the playground's log panel quotes the same text with its **).
    const heading = page.getByText(`Runden – tema ${TOPIC}`, { exact: true }).last();
    await heading.waitFor({ state: 'visible', timeout: 20_000 })
      .catch(() => assert.fail(`no summary «Runden – tema ${TOPIC}» in the channel`));
    // The message body: the heading's nearest ancestor holding more than one line.
    const text = await heading.evaluate((el) => {
      let node = el;
      while (node.parentElement && !node.innerText.trim().includes('\n')) node = node.parentElement;
      return node.innerText;
    });
    for (const label of speakers.map((s) => s.replace(/ \(.*$/, ''))) {
      assert.ok(text.includes(label), `the summary does not name ${label}:\n${text}`);
    }
    t.diagnostic(`summary: ${text.replace(/\s+/g, ' ')}`);
  });

  await t.test('the bot logged no errors during the flow', () => {
    assert.deepEqual(botErrors(), [], `see ${process.env.RC_BOT_LOG}`);
  });
});
