'use strict';
// Serves the render page, the adaptivecards bundle and the dumped cards on
// loopback only, so the browser never needs anything from the network.
const http = require('node:http');
const fs = require('node:fs');
const path = require('node:path');

const AC_DIST = path.dirname(require.resolve('adaptivecards/dist/adaptivecards.js'));
const RENDER = path.resolve(__dirname, '..', 'render');
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json' };

function resolve(urlPath, cardsDir) {
  const [, root, ...rest] = decodeURIComponent(urlPath).split('/');
  const base = { ac: AC_DIST, cards: cardsDir }[root];
  const file = base ? path.join(base, ...rest) : path.join(RENDER, root);
  // Refuse anything that climbs out of the directory it was meant for.
  if (!file.startsWith((base || RENDER) + path.sep)) return null;
  return file;
}

function serve(cardsDir) {
  const server = http.createServer((req, res) => {
    const file = resolve(new URL(req.url, 'http://x').pathname, cardsDir);
    if (!file || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': `${TYPES[path.extname(file)] || 'application/octet-stream'}; charset=utf-8` });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok({
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((done) => server.close(done)),
  })));
}

module.exports = { serve };
