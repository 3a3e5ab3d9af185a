// The agent inside a submission's container (container.ts starts it as the container's command):
// it runs each of the submission's programs as the namespace sandbox does on the host — fresh
// mount, network and PID namespaces, its own uid, temp folders and cgroup, inside.js as their
// PID 1 — so that every limit and every "how it ended" means the same in both. The grader asks
// over a unix socket (argv[2]) in the control folder, bind-mounted from the host:
//   the first connection is the session: when it closes (the grader is done, or died), every
//     program is killed and the agent exits, which ends the container (--rm removes it);
//   each further connection is one program: a JSON line {spec, brokers} (brokers: the unix
//     sockets the grader made in the control folder, since the container has no network), then
//     "interrupt" or {"kill": reason} lines; back come {"line": text} lines and one {"exit": …}.
// Started with node's type stripping: nothing here or in what it imports may need more.

import fs from 'node:fs';
import net from 'node:net';
import readline from 'node:readline';
import { spawnSync } from 'node:child_process';
import { runSandboxed, type BrokerSocket, type SandboxRun, type SandboxSpec } from './sandbox.ts';

/** Programs never run as root or a system user here, whoever asks. */
const MIN_UID = 1000;
/** No session within this long: the grader that started the container is gone. */
const SESSION_WAIT_MS = 60_000;

/**
 * The container's cgroup, mounted read-only by the runtime, made writable so that each program
 * gets one of its own inside it. True when one can be made.
 */
function writableCgroups(): boolean {
  const v2 = fs.existsSync('/sys/fs/cgroup/cgroup.controllers');
  for (const dir of v2 ? ['/sys/fs/cgroup'] : ['/sys/fs/cgroup/memory', '/sys/fs/cgroup/pids']) {
    spawnSync('mount', ['-o', 'remount,bind,rw', dir]);
  }
  // The programs' cgroups go straight under the container's (sandbox.ts: cgroupParent).
  process.env.KAFKA_LAB_GRADE_CGROUP = '';
  try {
    if (v2) {
      // No process may stay in a cgroup that hands controllers to its children: the agent moves out first.
      fs.mkdirSync('/sys/fs/cgroup/agent', { recursive: true });
      fs.writeFileSync('/sys/fs/cgroup/agent/cgroup.procs', String(process.pid));
    }
    const probe = v2 ? '/sys/fs/cgroup/agent-probe' : '/sys/fs/cgroup/memory/agent-probe';
    fs.mkdirSync(probe);
    fs.rmdirSync(probe);
    return true;
  } catch {
    return false; // runSandboxed falls back to rlimits
  }
}

function serve(socketPath: string): void {
  const runs = new Set<SandboxRun>();
  let session: net.Socket | undefined;
  let ending = false;
  const end = () => {
    if (ending) return;
    ending = true;
    for (const run of runs) run.kill('the grader ended the submission');
    // Their exits are quick (SIGKILL); the container ends with this process.
    setTimeout(() => process.exit(0), 500).unref();
    Promise.all([...runs].map((r) => r.exit)).then(() => process.exit(0));
  };
  const noSession = setTimeout(end, SESSION_WAIT_MS);
  // Half-open: the grader's end of the session is heard ('end'), and the agent's end closes only
  // when it exits — which is how the grader knows it has.
  const server = net.createServer({ allowHalfOpen: true }, (connection) => {
    connection.on('error', () => connection.destroy());
    if (!session) {
      session = connection;
      clearTimeout(noSession);
      connection.resume();
      connection.on('end', end).on('close', end);
      connection.write('ready\n');
      return;
    }
    startProgram(connection, runs);
  });
  server.listen(socketPath);
}

function startProgram(connection: net.Socket, runs: Set<SandboxRun>): void {
  const send = (message: object) => connection.writable && connection.write(`${JSON.stringify(message)}\n`);
  let run: SandboxRun | undefined;
  let closed = false;
  const lines = readline.createInterface({ input: connection });
  lines.on('line', (line) => {
    if (run) {
      if (line === 'interrupt') run.interrupt();
      else if (line.startsWith('{')) run.kill((JSON.parse(line) as { kill?: string }).kill);
      return;
    }
    const { spec, brokers } = JSON.parse(line) as { spec: SandboxSpec; brokers: BrokerSocket[] };
    if (!(spec.uid >= MIN_UID)) {
      send({ exit: { code: null, signal: null, reason: `could not start: a program runs as a user of its own (uid ${MIN_UID} or more), not ${spec.uid}`, durationMs: 0 } });
      connection.end();
      return;
    }
    void runSandboxed(spec, { carried: brokers }).then(
      (started) => {
        run = started;
        runs.add(started);
        for (const text of started.output) send({ line: text });
        started.onLine((text) => send({ line: text }));
        if (closed) started.kill('the grader stopped waiting for it');
        void started.exit.then((exit) => {
          runs.delete(started);
          send({ exit });
          connection.end();
        });
      },
      (error: Error) => {
        send({ exit: { code: null, signal: null, reason: `could not start: ${error.message}`, durationMs: 0 } });
        connection.end();
      },
    );
  });
  const gone = () => {
    closed = true;
    run?.kill('the grader stopped waiting for it');
    connection.end();
  };
  connection.on('end', gone).on('close', gone);
}

if (process.argv[2] === '--trial') {
  // container.ts's probe: can a program run here as in a submission's container?
  const cgroups = writableCgroups();
  const run = await runSandboxed({ command: '/bin/sh', args: ['-c', 'exit 0'], workDir: process.argv[3], env: {}, brokers: [], hide: [], expose: [], limits: { wallClockMs: 20_000, memoryMb: 64, processes: 16, cpuSeconds: 10 }, uid: 61_998 });
  const exit = await run.exit;
  const problem = !cgroups ? 'no cgroup of its own can be made in the container' : exit.code !== 0 || exit.reason ? `a program ended with ${exit.reason ?? `exit code ${exit.code}`}: ${run.output.slice(-3).join(' ')}` : undefined;
  if (problem) process.stderr.write(`${problem}\n`);
  process.exit(problem ? 1 : 0);
}
const socketPath = process.argv[2];
if (!socketPath) {
  process.stderr.write('usage: agent.ts <socket to listen on> | --trial <work dir>\n');
  process.exit(2);
}
writableCgroups();
serve(socketPath);
