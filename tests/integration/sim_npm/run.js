// Starts tradebot-sim on free ports with a fresh self-signed certificate, then runs the client
// tests in a second Node process that trusts that certificate (NODE_EXTRA_CA_CERTS is read only
// at start-up). Usage: node run.js <path/to/tradebot-sim> <source dir>
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const [simBinary, sourceDir] = process.argv.slice(2);
if (!simBinary || !sourceDir) {
  console.error('usage: node run.js <tradebot-sim> <source dir>');
  process.exit(2);
}
if (!['binance', 'bybit-api', 'ccxt'].every((p) => fs.existsSync(path.join(__dirname, 'node_modules', p)))) {
  console.error(`npm packages missing: run "npm ci" in ${__dirname} (scripts/test.sh does)`);
  process.exit(1);
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tradebot-sim-npm-'));
const portsFile = path.join(dir, 'ports.json');
const certFile = path.join(dir, 'cert.pem');
const log = fs.openSync(path.join(dir, 'sim.log'), 'w');
const sim = spawn(simBinary, [
  '--scenario', path.join(sourceDir, 'config/sim/default.yaml'),
  '--binance-port', '0', '--bybit-port', '0', '--ports-file', portsFile, '--cert-out', certFile,
  '--paused', '--log-level', 'info',
], { stdio: ['ignore', log, log] });

function finish(code) {
  sim.kill('SIGTERM');
  if (code !== 0) {
    console.error(`--- tradebot-sim log (${path.join(dir, 'sim.log')}) ---`);
    console.error(fs.readFileSync(path.join(dir, 'sim.log'), 'utf8').split('\n').slice(-60).join('\n'));
  }
  process.exit(code);
}

const deadline = Date.now() + 15000;
(function waitForPorts() {
  if (sim.exitCode !== null) {
    console.error(`tradebot-sim exited early with ${sim.exitCode}`);
    return finish(1);
  }
  let ports;
  try {
    ports = JSON.parse(fs.readFileSync(portsFile, 'utf8'));
  } catch {
    if (Date.now() > deadline) {
      console.error('tradebot-sim did not write its ports file within 15 s');
      return finish(1);
    }
    return setTimeout(waitForPorts, 50);
  }
  const env = {
    ...process.env,
    NODE_EXTRA_CA_CERTS: certFile,
    SIM_BINANCE_PORT: String(ports.binance),
    SIM_BYBIT_PORT: String(ports.bybit),
  };
  const result = spawnSync(process.execPath, ['--test', '--test-force-exit', '--test-reporter=spec', '--test-concurrency=1',
    path.join(__dirname, 'binance.test.js'), path.join(__dirname, 'bybit.test.js'), path.join(__dirname, 'ccxt.test.js')],
    { env, stdio: 'inherit' });
  finish(result.status === null ? 1 : result.status);
})();
