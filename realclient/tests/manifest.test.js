'use strict';
// The Teams app package as `python app.py manifest build` writes it, checked
// offline against the schema Microsoft ships in @microsoft/app-manifest.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { AppManifestUtils } = require('@microsoft/app-manifest');
const Ajv04 = require('ajv-draft-04');
const addFormats = require('ajv-formats');
const { readPng } = require('../lib/png');
const { freshDir, appCli, attempt } = require('../lib/paths');

const SCHEMAS = path.join(path.dirname(require.resolve('@microsoft/app-manifest')), 'json-schemas', 'teams');
// A fixed, obviously fake GUID: the package must build without real Azure ids.
const TEST_APP_ID = '00000000-0000-4000-8000-00000000fa99';

function loadSchema(version, file) {
  const p = path.join(SCHEMAS, `v${version}`, file);
  assert.ok(fs.existsSync(p), `no schema shipped for manifestVersion ${version} (${p})`);
  // Microsoft's own loader applies the same fix-up: the schemas use \a and \v in regexes.
  return JSON.parse(fs.readFileSync(p, 'utf8').replace(/\\a/g, '\\u0007').replace(/\\v/g, '\\u000b'));
}

const dir = freshDir('manifest');
const zip = path.join(dir, 'app.zip');
const files = path.join(dir, 'files');
let manifest = null;
const buildError = attempt(() => {
  appCli(['manifest', 'build', '--output', zip, '--app-id', TEST_APP_ID]);
  execFileSync(process.env.PYTHON || 'python', ['-c',
    'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])', zip, files]);
  manifest = JSON.parse(fs.readFileSync(path.join(files, 'manifest.json'), 'utf8'));
});

test('manifest build writes a zip with manifest.json', () => {
  assert.equal(buildError, null, 'python app.py manifest build failed');
});

// Without a package there is nothing further to check; the test above is red.
if (manifest) {
  test('zip holds manifest.json and both icons at its root', () => {
    for (const name of ['manifest.json', manifest.icons.color, manifest.icons.outline]) {
      assert.ok(fs.existsSync(path.join(files, name)), `${name} missing from the zip root`);
    }
    assert.equal(manifest.id, TEST_APP_ID);
  });

  test('manifest.json passes the Teams schema for its manifestVersion', async () => {
    const schema = loadSchema(manifest.manifestVersion, 'MicrosoftTeams.schema.json');
    const errors = await AppManifestUtils.validateAgainstSchema(manifest, schema);
    assert.deepEqual(errors, [], `schema v${manifest.manifestVersion} errors:\n${errors.join('\n')}`);
    if (manifest.$schema) {
      assert.match(manifest.$schema, new RegExp(`/v${manifest.manifestVersion.replace('.', '\\.')}/`),
        '$schema points at another manifest version than manifestVersion');
    }
  });

  test('localization files pass the localization schema', async () => {
    const langs = manifest.localizationInfo?.additionalLanguages || [];
    const schema = loadSchema(manifest.manifestVersion, 'MicrosoftTeams.Localization.schema.json');
    for (const { languageTag, file } of langs) {
      assert.ok(fs.existsSync(path.join(files, file)), `${languageTag}: ${file} missing from the zip`);
      const loc = JSON.parse(fs.readFileSync(path.join(files, file), 'utf8'));
      // Its key patterns use `\b]` which is invalid under ajv's default `u` flag.
      const ajv = new Ajv04({ allErrors: true, strictTypes: false, unicodeRegExp: false });
      addFormats(ajv, ['uri', 'email', 'regex']);
      const validate = ajv.compile(schema);
      const errors = validate(loc) ? [] : validate.errors.map((e) => `${e.instancePath} ${e.message}`);
      assert.deepEqual(errors, [], `${file}:\n${errors.join('\n')}`);
    }
  });

  test('color icon is 192x192', () => {
    const png = readPng(fs.readFileSync(path.join(files, manifest.icons.color)));
    assert.deepEqual([png.width, png.height], [192, 192]);
  });

  test('outline icon is 32x32, white on a transparent background', () => {
    const png = readPng(fs.readFileSync(path.join(files, manifest.icons.outline)));
    assert.deepEqual([png.width, png.height], [32, 32]);
    assert.ok(png.colorType === 4 || png.colorType === 6 || png.hasTrns, 'outline icon has no alpha channel');
    if (!png.rgba) return; // palette or 16-bit: header facts are all we can check
    let transparent = 0; let nonWhite = 0;
    for (let i = 0; i < png.rgba.length; i += 4) {
      if (png.rgba[i + 3] === 0) transparent++;
      // Teams recolours the outline icon; anything but white shows as a smudge.
      else if (Math.min(png.rgba[i], png.rgba[i + 1], png.rgba[i + 2]) < 240) nonWhite++;
    }
    assert.ok(transparent > 0, 'outline icon has no fully transparent pixel');
    assert.equal(nonWhite, 0, `${nonWhite} visible pixels in the outline icon are not white`);
  });
}
