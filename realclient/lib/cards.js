'use strict';
// Card checks in two layers: Microsoft's own parser/validator (what Teams'
// renderer would complain about) and the gaps that library does not report.
const AC = require('adaptivecards/dist/adaptivecards.js');

const TEAMS_MAX_VERSION = { major: 1, minor: 5 };
const TEAMS_MAX_BYTES = 100 * 1024; // bot message limit in Teams, card JSON included

function phaseName(p) {
  return AC.ValidationPhase[p] || String(p);
}

function libraryIssues(json) {
  const issues = [];
  const card = new AC.AdaptiveCard();
  const ctx = new AC.SerializationContext(AC.Versions.v1_5);
  try {
    card.parse(json, ctx);
  } catch (e) {
    return [`parse threw: ${e.message}`];
  }
  for (let i = 0; i < ctx.eventCount; i++) {
    const e = ctx.getEventAt(i);
    issues.push(`${phaseName(e.phase)}: ${AC.ValidationEvent[e.event]}: ${e.message}`);
  }
  for (const e of card.validateProperties().validationEvents) {
    issues.push(`${phaseName(e.phase)}: ${AC.ValidationEvent[e.event]}: ${e.message}`);
  }
  return issues;
}

const nonEmpty = (v) => typeof v === 'string' && v.trim() !== '';

// Walks every object, not only body/actions, so that elements hidden in
// ShowCard cards, columns, selectActions, inline actions and fallbacks are seen.
function walk(node, where, issues) {
  if (Array.isArray(node)) {
    node.forEach((child, i) => walk(child, `${where}[${i}]`, issues));
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const need = { TextBlock: 'text', TextRun: 'text', Image: 'url', 'Action.Execute': 'verb' }[node.type];
  if (need && !nonEmpty(node[need])) issues.push(`${where}: ${node.type} without ${need}`);
  for (const [key, child] of Object.entries(node)) walk(child, `${where}.${key}`, issues);
}

function ownIssues(json) {
  const issues = [];
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return ['card is not a JSON object'];
  if (json.type !== 'AdaptiveCard') issues.push(`type is ${JSON.stringify(json.type)}, not "AdaptiveCard"`);
  if (!nonEmpty(json.version)) {
    issues.push('version missing');
  } else {
    const m = /^(\d+)\.(\d+)$/.exec(json.version);
    if (!m) issues.push(`version ${JSON.stringify(json.version)} is not MAJOR.MINOR`);
    else if (+m[1] > TEAMS_MAX_VERSION.major
      || (+m[1] === TEAMS_MAX_VERSION.major && +m[2] > TEAMS_MAX_VERSION.minor)) {
      issues.push(`version ${json.version} is above 1.5, the highest Teams renders`);
    }
  }
  const bytes = Buffer.byteLength(JSON.stringify(json));
  if (bytes > TEAMS_MAX_BYTES) issues.push(`card is ${bytes} bytes, above Teams' 100 KB message limit`);
  walk(json, '$', issues); // includes refresh.action, which Teams invokes by itself
  return issues;
}

// Everything is a failure: Teams shows a blank or "card could not be rendered"
// for many of the things the library merely warns about.
function checkCard(json) {
  return [...ownIssues(json), ...libraryIssues(json)];
}

module.exports = { checkCard, ownIssues, libraryIssues };
