'use strict';
// The card checker must catch what it claims to; otherwise a green card run
// proves nothing. Fixtures hide each fault at a different depth.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { checkCard, ownIssues } = require('../lib/cards');
const { readPng } = require('../lib/png');
const { isLoopback } = require('../lib/browser');

const fixture = (name) => JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', name), 'utf8'));

test('a well-formed 1.5 card has no issues', () => {
  assert.deepEqual(checkCard(fixture('good.json')), []);
});

test('faults nested in columns, containers and ShowCard cards are all reported', () => {
  const issues = checkCard(fixture('bad-nested.json')).join('\n');
  assert.match(issues, /\$\.body\[0\]: TextBlock without text/);
  assert.match(issues, /items\[0\]\.items\[0\]: Image without url/);
  assert.match(issues, /actions\[0\]\.card\.actions\[0\]: Action\.Execute without verb/);
  // These two come from Microsoft's library, not from our own walk.
  assert.match(issues, /All inputs must have a unique Id/);
  assert.match(issues, /Property "url" must be set/);
});

test('type, version and the Teams 1.5 ceiling are enforced', () => {
  assert.deepEqual(ownIssues({ type: 'AdaptiveCard', version: '1.5', body: [] }), []);
  assert.match(ownIssues({ version: '1.5' }).join(), /not "AdaptiveCard"/);
  assert.match(ownIssues({ type: 'AdaptiveCard' }).join(), /version missing/);
  assert.match(ownIssues({ type: 'AdaptiveCard', version: '1.6' }).join(), /above 1\.5/);
  assert.match(ownIssues({ type: 'AdaptiveCard', version: '2.0' }).join(), /above 1\.5/);
  assert.match(checkCard({ type: 'AdaptiveCard', version: '1.5', body: [{ type: 'Fancy' }] }).join(),
    /UnknownElementType/);
});

test('PNG reader gets size and alpha from a real RGBA file', () => {
  const zlib = require('node:zlib');
  // 2x1 RGBA: one opaque white pixel, one transparent pixel, filter 0.
  const raw = Buffer.from([0, 255, 255, 255, 255, 0, 0, 0, 0]);
  const chunk = (type, data) => {
    const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
    return Buffer.concat([len, Buffer.from(type, 'ascii'), data, Buffer.alloc(4)]);
  };
  const ihdr = Buffer.alloc(13); ihdr.writeUInt32BE(2, 0); ihdr.writeUInt32BE(1, 4); ihdr[8] = 8; ihdr[9] = 6;
  const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
  const info = readPng(png);
  assert.deepEqual([info.width, info.height, info.colorType], [2, 1, 6]);
  assert.deepEqual([...info.rgba], [255, 255, 255, 255, 0, 0, 0, 0]);
});

test('only loopback addresses pass the browser filter', () => {
  assert.ok(isLoopback('http://127.0.0.1:56150/_debug/ping'));
  assert.ok(isLoopback('http://localhost:3978/healthz'));
  assert.ok(!isLoopback('https://fonts.gstatic.com/x.woff2'));
  assert.ok(!isLoopback('https://127.0.0.1.example.com/'));
});
