'use strict';
// The card-quality walk: every sample card in nb, nn and en, drawn by Microsoft's renderer
// at 320, 360 (phones) and 450 px (Teams' chat bubble) in the one installed font named in
// the host config, and again with each Action.ShowCard form opened (lib/walk.js). Fails on
// clipped text, an input past the card's edge, a glyph the font lacks, and (through
// `python app.py cards check`, cards/quality.py) an input without a label, a bare or
// repeated button title, colour alone and an image without alt text. Writes the README's
// card pictures into docs/, so they never go stale.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { launch } = require('../lib/browser');
const { serve } = require('../lib/static-server');
const { walkCard } = require('../lib/walk');
const { RC, REPO, freshDir, appCli, attempt } = require('../lib/paths');

const LANGS = ['nb', 'nn', 'en'];
const WIDTHS = [320, 360, 450];
// README pictures: [file in docs/, card, language, width].
const PICTURES = [
  ['welcome-card.png', 'welcome_personal', 'nb', 450],
  ['invitation-phone.png', 'invitation', 'nb', 320],
  ['round-phone.png', 'round_live', 'nb', 320],
];

const root = freshDir('walk-json');
const fixtures = path.join(root, 'fixtures');
fs.mkdirSync(fixtures);
for (const f of ['clipped.json', 'clipped-form.json']) {
  fs.copyFileSync(path.join(RC, 'fixtures', f), path.join(fixtures, f));
}
const dumped = {};
for (const lang of LANGS) {
  dumped[lang] = attempt(() => appCli(['cards', 'dump', path.join(root, lang), '--lang', lang]));
}
let checked = null;
try {
  appCli(['cards', 'check', ...LANGS.flatMap((l) => ['--lang', l])]);
} catch (e) {
  checked = `${e.stdout || ''}${e.stderr || ''}`.trim();
}
// A failed dump is one red test above, not a crashed file.
const nbDir = path.join(root, 'nb');
const names = fs.existsSync(nbDir) ? fs.readdirSync(nbDir).filter((f) => f.endsWith('.json')).sort() : [];
const pngDir = freshDir('walk');

test('every card in nb, nn and en meets the label, alt-text, button-title and colour rules', () => {
  for (const lang of LANGS) assert.equal(dumped[lang], null, `cards dump --lang ${lang} failed`);
  assert.equal(checked, null, `python app.py cards check:\n${checked}`);
});

test('the walk over every card, language and width', async (t) => {
  const server = await serve(root);
  const browser = await launch({ width: 520, height: 900 });
  t.after(async () => { await browser.close(); await server.close(); });
  const page = await browser.context.newPage();
  await page.goto(`${server.url}/render.html`);
  await page.waitForFunction(() => window.renderCard);

  await t.test('a card made to clip fails it: ellipsis, input past the edge, missing glyphs', async () => {
    const issues = (await walkCard(page, 'fixtures/clipped.json', 320, { fonts: true })).join('\n');
    assert.match(issues, /clipped \(ellipsis\): «Ein overskrift/);
    assert.match(issues, /clipped \(ellipsis\): «Kommer \(fysisk\)/);
    assert.match(issues, /input past the card's edge/);
    assert.match(issues, /glyph missing in (DejaVu Sans|every font)/);
  });

  await t.test('a ShowCard form is opened and walked too, and a form inside a form', async () => {
    const issues = await walkCard(page, 'fixtures/clipped-form.json', 320, { fonts: true });
    const text = issues.join('\n');
    // Closed, the card is clean: everything found was found with a form open.
    assert.ok(issues.every((i) => i.startsWith('in the form «')), text);
    assert.match(text, /in the form «Vis skjemaet for flytting»: clipped \(ellipsis\): «Ei overskrift i skjemaet/);
    assert.match(text, /in the form «Vis skjemaet for flytting»: clipped \(ellipsis\): «Flytt meldinga 24\. august/);
    assert.match(text, /in the form «Vis skjemaet for flytting»: input past the card's edge/);
    assert.match(text, /in the form «Vis skjemaet for flytting»: glyph missing in (DejaVu Sans|every font)/);
    assert.match(text, /in the form «Vis det indre skjemaet»: clipped \(ellipsis\): «Ei indre overskrift/);
  });

  for (const width of WIDTHS) {
    for (const lang of LANGS) {
      await t.test(`${lang} at ${width}px: no clipped text, no input past the edge, no missing glyph`, async () => {
        const failed = [];
        for (const name of names) {
          // Fonts do not depend on the width: checked once per language, at the narrowest.
          const issues = await walkCard(page, `${lang}/${name}`, width, { fonts: width === WIDTHS[0] });
          if (issues.length) failed.push(`${name}:\n    ${issues.join('\n    ')}`);
          if (lang === 'nb' && width === WIDTHS[0]) {
            await page.locator('#card').screenshot({ path: path.join(pngDir, name.replace(/\.json$/, '.png')) });
          }
        }
        assert.deepEqual(failed, [], `${failed.length} card(s) fail at ${width}px in ${lang}:\n  ${failed.join('\n  ')}`);
      });
    }
  }

  await t.test('the README pictures are drawn from this run into docs/', async () => {
    for (const [file, card, lang, width] of PICTURES) {
      const result = await page.evaluate(([n, w]) => window.renderCard(n, w), [`${lang}/${card}.json`, width]);
      assert.ok(result.ok, `${card}: ${result.error}`);
      const png = path.join(REPO, 'docs', file);
      await page.locator('#card').screenshot({ path: png });
      assert.ok(fs.statSync(png).size > 1000, `${png} is suspiciously small`);
    }
  });
});
