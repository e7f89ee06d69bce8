'use strict';
// The card-quality walk's browser checks: what only a rendered card can tell. The rules
// that the card JSON alone decides (labels, alt text, button titles, colour) live in
// cards/quality.py and reach the walk through `python app.py cards check`.

const FONT = 'DejaVu Sans'; // the host config's fontFamily (render/hostconfig.json)

// Runs in the page. Clipped: an element with its own text whose content is wider than its
// box while overflow hides the rest (the renderer's ellipsis on buttons and non-wrapping
// TextBlocks is exactly that), or text/an input reaching past the card's edge.
function measure() {
  const card = document.querySelector('#card > *');
  const edge = card.getBoundingClientRect();
  const issues = [];
  const label = (el) => (el.innerText || el.value || el.getAttribute('aria-label') || el.tagName)
    .trim().replace(/\s+/g, ' ').slice(0, 60);
  for (const el of card.querySelectorAll('*')) {
    if (!el.getClientRects().length) continue; // not shown (collapsed ShowCard, hidden part)
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden') continue;
    const box = el.getBoundingClientRect();
    const ownText = [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent.trim());
    const isInput = el.matches('input, select, textarea');
    if (ownText && style.overflowX !== 'visible' && el.scrollWidth > el.clientWidth + 1) {
      issues.push(`clipped${style.textOverflow === 'ellipsis' ? ' (ellipsis)' : ''}: «${label(el)}» needs ${el.scrollWidth}px, has ${el.clientWidth}px`);
    }
    if ((ownText || isInput) && (box.right > edge.right + 0.5 || box.left < edge.left - 0.5)) {
      issues.push(`${isInput ? 'input' : 'text'} past the card's edge: «${label(el)}» ${Math.round(box.left - edge.left)}..${Math.round(box.right - edge.left)}px of ${Math.round(edge.width)}px`);
    }
  }
  return issues;
}

// Runs in the page. A glyph no installed font has is drawn as the font's empty box: the
// same pixels as a code point no font has. Marks the elements with text of their own for
// the font check below.
function boxGlyphs() {
  const card = document.querySelector('#card > *');
  for (const el of card.querySelectorAll('*')) {
    if ([...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent.trim())) el.dataset.walkText = '';
  }
  const issues = [];
  const canvas = document.createElement('canvas');
  canvas.width = 48; canvas.height = 48;
  const g = canvas.getContext('2d', { willReadFrequently: true });
  const draw = (ch) => {
    g.clearRect(0, 0, 48, 48);
    g.font = `32px '${document.body.dataset.font}'`;
    g.fillText(ch, 4, 36);
    return g.getImageData(0, 0, 48, 48).data.join(',');
  };
  const box = draw('\u{10FFFD}');
  // innerText leaves out generated content (the renderer's chevrons, list markers' text).
  let text = card.innerText;
  for (const el of card.querySelectorAll('*')) {
    for (const pseudo of ['::before', '::after']) {
      const c = getComputedStyle(el, pseudo).content;
      if (!c || !c.startsWith('"')) continue;
      try { text += JSON.parse(c); } catch { text += c; } // CSS escapes JSON does not know
    }
  }
  const missing = [...new Set(text)].filter((ch) => ch.trim() && draw(ch) === box);
  if (missing.length) issues.push(`glyph missing in every font: ${missing.join(' ')}`);
  return issues;
}

// Chromium's own account of the fonts it drew each element's text with: any family other
// than the host config's is a glyph that font lacks (drawn by a fallback, or as a box).
async function fontIssues(page) {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('DOM.enable');
    await cdp.send('CSS.enable');
    const { root } = await cdp.send('DOM.getDocument', { depth: 0 });
    const { nodeIds } = await cdp.send('DOM.querySelectorAll', { nodeId: root.nodeId, selector: '#card [data-walk-text]' });
    const issues = new Set();
    for (const nodeId of nodeIds) {
      const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
      const other = fonts.filter((f) => f.familyName !== FONT);
      if (!other.length) continue;
      const { outerHTML } = await cdp.send('DOM.getOuterHTML', { nodeId });
      for (const f of other) {
        issues.add(`glyph missing in ${FONT}: ${f.glyphCount} glyph(s) drawn with ${f.familyName} in ${outerHTML.slice(0, 80)}`);
      }
    }
    return [...issues];
  } finally {
    await cdp.detach().catch(() => {});
  }
}

// Runs in the page. Opens the next Action.ShowCard form not opened yet (its card is drawn
// only then) and returns the button's title, or null when every shown one has been opened.
// The last in page order first: a form's own ShowCards come after its button's row, so
// they are opened before a sibling in that row closes the form again.
function openNextForm() {
  const card = document.querySelector('#card > *');
  const shut = [...card.querySelectorAll('.ac-pushButton.expandable')]
    .filter((b) => b.getClientRects().length && !('walkOpened' in b.dataset));
  const button = shut[shut.length - 1];
  if (!button) return null;
  button.dataset.walkOpened = '';
  button.click();
  return (button.innerText || button.getAttribute('aria-label') || '').trim().replace(/\s+/g, ' ');
}

const MAX_FORMS = 40; // a card that keeps making new forms is a bug, not a longer walk

// Every check for one card at one width, then again with each of its ShowCard forms open
// (what a form adds is reported under its button's title); the font checks only where
// asked (they do not change with the width, and they are the slow ones).
async function walkCard(page, name, width, { fonts = false } = {}) {
  const result = await page.evaluate(([n, w]) => window.renderCard(n, w), [name, width]);
  if (!result.ok) return [`did not render: ${result.error}`];
  const checks = async () => [...await page.evaluate(measure),
    ...(fonts ? [...await page.evaluate(boxGlyphs), ...await fontIssues(page)] : [])];
  const issues = await checks();
  const seen = new Set(issues);
  for (let opened = 0; ; opened += 1) {
    const title = await page.evaluate(openNextForm);
    if (title === null) break;
    if (opened === MAX_FORMS) {
      issues.push(`more than ${MAX_FORMS} ShowCard forms: stopped opening them`);
      break;
    }
    for (const issue of await checks()) {
      if (!seen.has(issue)) issues.push(`in the form «${title}»: ${issue}`);
      seen.add(issue);
    }
  }
  return issues;
}

module.exports = { walkCard, FONT };
