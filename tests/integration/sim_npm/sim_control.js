// The simulator's control API (/sim/...), used to move prices and read state in the tests.
'use strict';
const https = require('node:https');

function control(port, method, path, body) {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? '' : JSON.stringify(body);
    const req = https.request({ host: '127.0.0.1', port, method, path,
      headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data) } }, (res) => {
      let text = '';
      res.on('data', (c) => { text += c; });
      res.on('end', () => {
        if (res.statusCode !== 200) return reject(new Error(`${path}: HTTP ${res.statusCode} ${text}`));
        resolve(JSON.parse(text));
      });
    });
    req.on('error', reject);
    req.end(data);
  });
}

// Resolves with the first event for which `match` returns true, or rejects after `ms`.
function waitFor(emitter, eventName, match, ms = 5000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      emitter.off(eventName, onEvent);
      reject(new Error(`no matching '${eventName}' event within ${ms} ms`));
    }, ms);
    function onEvent(e) {
      if (!match(e)) return;
      clearTimeout(timer);
      emitter.off(eventName, onEvent);
      resolve(e);
    }
    emitter.on(eventName, onEvent);
  });
}

module.exports = { control, waitFor };
