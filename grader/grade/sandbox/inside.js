// The sandbox from the inside: run (as root) by `unshare --mount --net --pid --fork` as PID 1 of
// fresh namespaces, it hides what a submission must not read, lets it reach only the broker, then
// runs the submission's program as an unprivileged user and reports how it ended. Plain JavaScript
// so that node starts it without a loader.
//
// argv[2]: a JSON file (see sandbox.ts, LaunchPlan) with
//   hide:    folders to cover with an empty tmpfs (the class folder, the output, other work dirs, /root)
//   privateTmp, tmpSizeMb: world-writable folders (/tmp, /var/tmp, /dev/shm) given a fresh tmpfs
//            each, so that nothing passes between programs there, and the size of each
//   stageDir: an existing folder, covered by a tmpfs where the exposed folders wait their turn
//   expose:  folders inside hidden ones that must stay (its own work dir, the interpreter, the venv)
//   brokers: [{ host, port, socket }]: listen on host:port here, forward to the unix socket outside
//   uid, gid, cwd, env, command, args, rlimits: the program and its limits (prlimit options)
// fd 3: JSON lines to the grader: {"started": pid} then {"exit": code, "signal": name}; from the
// grader, the line "interrupt" passes Ctrl-C (SIGINT) on to the program; its end (the grader
// died) kills the program.

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

const plan = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const report = (message) => {
  try {
    fs.writeSync(3, `${JSON.stringify(message)}\n`);
  } catch {
    // the grader stopped listening: nothing to tell
  }
};
const run = (command, args) => {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')}: ${(result.stderr || result.error?.message || `exit ${result.status}`).trim()}`);
};

try {
  run('ip', ['link', 'set', 'lo', 'up']);
  // Stage what must stay visible on a tmpfs of its own (so that the stage is not under anything
  // covered: /tmp is), cover the hidden folders and give the program temp folders of its own, then
  // move the staged mounts back in.
  run('mount', ['-t', 'tmpfs', '-o', 'mode=0700,size=64k', 'tmpfs', plan.stageDir]);
  const staged = plan.expose.map((dir, i) => {
    const at = path.join(plan.stageDir, String(i));
    fs.mkdirSync(at);
    run('mount', ['--bind', dir, at]);
    return { dir, at };
  });
  for (const dir of plan.hide) if (fs.existsSync(dir)) run('mount', ['-t', 'tmpfs', '-o', 'mode=0755,size=64k,nosuid,nodev', 'tmpfs', dir]);
  // Its files there count against its memory limit (tmpfs pages are charged to the cgroup).
  for (const dir of plan.privateTmp) if (fs.existsSync(dir)) run('mount', ['-t', 'tmpfs', '-o', `mode=1777,size=${plan.tmpSizeMb}m,nosuid,nodev`, 'tmpfs', dir]);
  for (const { dir, at } of staged) {
    fs.mkdirSync(dir, { recursive: true });
    run('mount', ['--move', at, dir]);
  }
} catch (error) {
  report({ error: `sandbox set-up failed: ${error.message}` });
  process.exit(125);
}

// Each broker's address works here as outside: 127.0.0.1:port (and localhost's ::1, which clients
// may try first for a "localhost" address), carried over a unix socket.
const LOOPBACK = ['127.0.0.1', 'localhost', '::1'];
const addressesOf = (host) => (LOOPBACK.includes(host) ? [{ host: '127.0.0.1', required: true }, { host: '::1', required: false }] : [{ host, required: true }]);
try {
  // A broker on another address of this machine (a container runtime's bridge): that address is
  // given to this namespace's loopback, so the program connects to it as it would outside.
  for (const host of new Set(plan.brokers.map((b) => b.host).filter((h) => !LOOPBACK.includes(h)))) {
    run('ip', ['addr', 'add', `${host}/${net.isIPv6(host) ? 128 : 32}`, 'dev', 'lo']);
  }
} catch (error) {
  report({ error: `sandbox could not give the broker's address to its network: ${error.message}` });
  process.exit(125);
}
const servers = plan.brokers.flatMap(({ host: brokerHost, port, socket }) =>
  addressesOf(brokerHost).map(
    ({ host, required }) =>
      new Promise((resolve, reject) => {
      const server = net.createServer((client) => {
        const upstream = net.connect(socket);
        client.pipe(upstream).pipe(client);
        const close = () => {
          client.destroy();
          upstream.destroy();
        };
        client.on('error', close).on('close', close);
        upstream.on('error', close).on('close', close);
      });
        server.on('error', (error) => (required ? reject(error) : resolve(null))).listen(port, host, () => resolve(server));
      }),
  ),
);
try {
  await Promise.all(servers);
} catch (error) {
  report({ error: `sandbox could not listen for the broker: ${error.message}` });
  process.exit(125);
}

const limits = Object.entries(plan.rlimits).map(([name, value]) => `--${name}=${value}`);
const child = spawn('prlimit', [...limits, '--', plan.command, ...plan.args], {
  cwd: plan.cwd,
  env: plan.env,
  uid: plan.uid,
  gid: plan.gid,
  stdio: ['ignore', 'inherit', 'inherit'],
});
child.on('error', (error) => {
  report({ error: `could not start ${plan.command}: ${error.message}` });
  process.exit(126);
});
child.on('spawn', () => report({ started: child.pid }));
child.on('exit', (code, signal) => {
  report({ exit: code, signal });
  // PID 1 leaving ends every process the program left behind.
  process.exit(code ?? 128);
});
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => child.kill('SIGKILL'));
const control = new net.Socket({ fd: 3, readable: true, writable: false });
control.on('error', () => {}); // then 'close'
// The grader gone (killed, or a second Ctrl-C): nothing it started may outlive it.
control.on('close', () => child.kill('SIGKILL'));
control.on('data', (data) => {
  if (String(data).includes('interrupt')) child.kill('SIGINT');
});
