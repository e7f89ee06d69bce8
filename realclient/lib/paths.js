'use strict';
// Shared locations and the one way tests call the project's Python CLI.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const RC = path.resolve(__dirname, '..');
const REPO = path.resolve(RC, '..');
const OUT = process.env.RC_OUT || path.join(RC, 'out');

// out/playground is shared: playground.test.js writes its pictures at the top,
// each flow test (meetings, innspill, round) into its own subdirectory, and
// files run in name order, so emptying it must spare the other files' folders.
const SHARED = new Set(['playground']);

function freshDir(...parts) {
  const dir = path.join(OUT, ...parts);
  if (parts.length === 1 && SHARED.has(parts[0]) && fs.existsSync(dir)) {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (!entry.isDirectory()) fs.rmSync(path.join(dir, entry.name), { force: true });
    }
    return dir;
  }
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

// `python` is whatever the active venv provides, as CI runs it.
function appCli(args, env = {}) {
  return execFileSync(process.env.PYTHON || 'python', ['app.py', ...args], {
    cwd: REPO, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 120_000,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

// Runs a setup step at load time; on failure the caller registers one red test
// carrying the CLI's stderr instead of a crashed file with a raw stack.
function attempt(fn) {
  try {
    fn();
    return null;
  } catch (e) {
    return `${e.message.split('\n')[0]}\n${e.stderr || ''}`.trim();
  }
}

module.exports = { RC, REPO, OUT, freshDir, appCli, attempt };
