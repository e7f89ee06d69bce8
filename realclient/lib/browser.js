'use strict';
// One way to start headless Chromium for every test, so that the flags and the
// offline guarantee (nothing leaves loopback) cannot drift between tests.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { chromium } = require('playwright-core');

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

function isLoopback(url) {
  try {
    const u = new URL(url);
    if (u.protocol === 'data:' || u.protocol === 'blob:' || u.protocol === 'about:') return true;
    return LOOPBACK.has(u.hostname);
  } catch {
    return false;
  }
}

// A persistent context gives a fresh user-data dir we own and can delete; the
// blocked list lets a test report what the page tried to fetch from outside.
async function launch({ width = 1280, height = 900 } = {}) {
  // Under run.sh's scratch dir when set, so its trap removes it even after a kill.
  const userDataDir = fs.mkdtempSync(path.join(process.env.RC_TMP || os.tmpdir(), 'rc-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: { width, height },
    locale: 'nb-NO',
    timezoneId: 'Europe/Oslo',
  });
  const blocked = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (isLoopback(url)) return route.continue();
    blocked.push(url);
    return route.abort('blockedbyclient');
  });
  // Web sockets are not covered by route(); the playground's own socket is loopback.
  await context.routeWebSocket?.(/.*/, (ws) => {
    if (isLoopback(ws.url())) ws.connectToServer();
    else { blocked.push(ws.url()); ws.close(); }
  });
  const close = async () => {
    await context.close().catch(() => {});
    fs.rmSync(userDataDir, { recursive: true, force: true });
  };
  return { context, blocked, close };
}

module.exports = { launch, isLoopback, CHROMIUM };
