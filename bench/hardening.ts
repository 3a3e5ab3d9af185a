// The class broker under attack (part of `npm run bench`): a broker in a process of its own, as
// `kafka-lab broker --users` runs for a class, and an attacker in this process.
//
//   fuzz      seeded malformed and mutated frames over many connections: frames per second the
//             broker gets through, and that it still answers afterwards
//   bomb      the issue's gzip bomb (one record of 1,000 MB of zeros, ~1 MB sent) and one of 1,000
//             records of 1 MB, 32 in all over 4 connections: the broker's RSS above its idle
//             baseline (<= 64 MB), its longest stall; bomb-ctl the same requests with their CRC
//             broken, nothing inflated: what reading them costs by itself, for comparison
//   pre-auth  6 connections announcing 100 MB frames and pushing bytes, 300 connections holding
//             half-sent 500 KB frames, 2,000 idle connections, none logged in: RSS above baseline
//             (<= 64 MB)
//
// The broker process samples its own RSS and event-loop delay every 10 ms and reports the peaks.

import { fork, type ChildProcess } from 'node:child_process';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { RawConnection } from '../simulator/net/raw-connection.ts';
import { encodeBatch } from '../simulator/protocol/records.ts';
import { gzipBomb } from '../simulator/testkit/attacks.ts';
import { prng, randomFrame, templates } from '../simulator/testkit/fuzz.ts';
import { done, progress, thousands } from './workload.ts';

export interface HardeningResult {
  name: string;
  detail: string;
  figure: string;
  target: string;
  pass: boolean;
}

const MB = 2 ** 20;
const RSS_BOUND_MB = 64;

interface Peaks {
  baselineRss: number;
  peakRss: number;
  maxStallMs: number;
}

/** A broker process: `kafka-lab broker --users`' cluster, reporting its peaks on request. */
class BrokerProcess {
  private constructor(
    private readonly child: ChildProcess,
    readonly bootstrap: string[],
  ) {}

  static async start(options: Record<string, unknown>): Promise<BrokerProcess> {
    const child = fork(import.meta.filename, ['broker', JSON.stringify(options)], { execArgv: ['--expose-gc', '--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const bootstrap = await new Promise<string[]>((resolve, reject) => {
      child.once('message', (m) => resolve((m as { bootstrap: string[] }).bootstrap));
      child.once('exit', (code) => reject(new Error(`the broker process exited with ${code}`)));
    });
    return new BrokerProcess(child, bootstrap);
  }

  private ask<T>(command: string): Promise<T> {
    return new Promise((resolve) => {
      this.child.once('message', (m) => resolve(m as T));
      this.child.send(command);
    });
  }

  /** Collects garbage, then takes the RSS from which peaks count, and clears the peaks. */
  baseline = () => this.ask<void>('baseline');
  peaks = () => this.ask<Peaks>('peaks');

  async stop(): Promise<void> {
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.send('stop');
    await exited;
  }
}

async function withBroker<T>(options: Record<string, unknown>, body: (broker: BrokerProcess) => Promise<T>): Promise<T> {
  const broker = await BrokerProcess.start(options);
  try {
    return await body(broker);
  } finally {
    await broker.stop();
  }
}

const mb = (bytes: number) => (bytes / MB).toFixed(1);

/** ApiVersions v0 on a fresh connection: the broker still serves. */
async function answers(address: string): Promise<boolean> {
  const connection = await RawConnection.open(address);
  try {
    return (await connection.call(18, 0, {})) !== null;
  } finally {
    connection.destroy();
  }
}

// ------------------------------------------------------------------ fuzz

const FUZZ_SECONDS = Number(process.env.BENCH_FUZZ_SECONDS ?? 10);
const FUZZ_PARALLEL = 16;

export async function fuzzRate(): Promise<HardeningResult> {
  return withBroker({ brokers: 1, seed: 5 }, async (broker) => {
    const [address] = broker.bootstrap;
    const rng = prng(20_150);
    const pool = templates('fuzz', encodeBatch([{ key: null, value: Buffer.from('fuzz') }]));
    let frames = 0;
    let connections = 0;
    const deadline = performance.now() + FUZZ_SECONDS * 1000;
    const started = performance.now();
    const worker = async () => {
      while (performance.now() < deadline) {
        const connection = await RawConnection.open(address);
        connections++;
        const sent = Array.from({ length: rng.int(1, 6) }, () => randomFrame(rng, pool));
        connection.send(Buffer.concat(sent));
        frames += sent.length;
        // Whatever the broker makes of them, it answers or closes; a lying size may leave it waiting: move on.
        await connection.next(200).catch(() => null);
        connection.destroy();
        if (connections % 200 === 0) progress(`fuzz: ${thousands(frames)} frames over ${thousands(connections)} connections`);
      }
    };
    await Promise.all(Array.from({ length: FUZZ_PARALLEL }, worker));
    const seconds = (performance.now() - started) / 1000;
    done();
    const alive = await answers(address);
    return {
      name: 'fuzz',
      detail: `seeded garbage and mutated requests of every API, ${FUZZ_PARALLEL} connections at a time for ${FUZZ_SECONDS} s: ${thousands(frames)} frames over ${thousands(connections)} connections; the broker ${alive ? 'still answers' : 'STOPPED ANSWERING'}`,
      figure: `${thousands(frames / seconds)} frames/s`,
      target: 'survives',
      pass: alive,
    };
  });
}

// ------------------------------------------------------------------ decompression bomb

const BOMBS = 32;
const BOMB_CONNECTIONS = 4;

/**
 * The bombs, or with `control` the same requests with a CRC broken so that nothing is inflated:
 * what reading 1 MB requests costs the broker by itself, whatever they hold.
 */
export async function bombRss(control = false): Promise<HardeningResult> {
  progress('bomb: building the bombs');
  // The issue's bomb (one record of 1,000 MB), refused at its declared length, and one of 1,000
  // records of 1 MB, each within the limit, that inflates the whole 32 MiB before it is refused.
  const bombs = [await gzipBomb(1000 * 1000 * 1000), await gzipBomb(1000 * 1000, 1000)];
  if (control) for (const bomb of bombs) bomb[30] ^= 1; // within the batch's CRC: CORRUPT_MESSAGE
  const expected = control ? 2 : 18; // CORRUPT_MESSAGE, RECORD_LIST_TOO_LARGE
  return withBroker({ brokers: 1, users: [{ name: 'student', password: 'pw' }], superUsers: ['student'] }, async (broker) => {
    const [address] = broker.bootstrap;
    // A class broker has seen compressed batches before any bomb: one honest batch starts the
    // validation worker (record-validation.ts), whose own start is not what a bomb costs.
    const honest = await loggedIn(address);
    await honest.call(0, 3, { transactionalId: null, acks: -1, timeoutMs: 30_000, topicData: [{ name: 'bombed', partitionData: [{ index: 0, records: encodeBatch([{ key: null, value: Buffer.from('honest') }], { compression: 'gzip' }) }] }] });
    honest.destroy();
    await broker.baseline();
    const started = performance.now();
    const errors = new Map<number, number>();
    let sent = 0;
    await Promise.all(
      Array.from({ length: BOMB_CONNECTIONS }, async () => {
        const connection = await loggedIn(address);
        try {
          while (sent < BOMBS) {
            const bomb = bombs[sent++ % 2];
            progress(`bomb: ${sent}/${BOMBS} sent`);
            const answer = (await connection.call(0, 3, { transactionalId: null, acks: -1, timeoutMs: 30_000, topicData: [{ name: 'bombed', partitionData: [{ index: 0, records: bomb }] }] })) as {
              responses: { partitionResponses: { errorCode: number }[] }[];
            } | null;
            const code = answer?.responses[0].partitionResponses[0].errorCode ?? -999;
            errors.set(code, (errors.get(code) ?? 0) + 1);
          }
        } finally {
          connection.destroy();
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    done();
    const { baselineRss, peakRss, maxStallMs } = await broker.peaks();
    const grew = peakRss - baselineRss;
    const refused = errors.get(expected) ?? 0;
    if (control) {
      return {
        name: 'bomb-ctl',
        detail: `the same ${BOMBS} requests, each batch's CRC broken so that nothing is inflated (${refused} refused CORRUPT_MESSAGE): broker RSS ${mb(baselineRss)} -> peak ${mb(peakRss)} MB, request buffers V8 has not collected yet`,
        figure: `+${mb(grew)} MB RSS`,
        target: 'comparison',
        pass: refused === BOMBS,
      };
    }
    return {
      name: 'bomb',
      detail: `${BOMBS} Produce requests of one gzip batch, ${BOMB_CONNECTIONS} connections at once, half the issue's bomb (${thousands(bombs[0].length)} bytes, one record of 1,000 MB of zeros), half ${thousands(bombs[1].length)} bytes of 1,000 records of 1 MB (32 MiB inflated before each refusal, ${thousands((BOMBS / 2) * 32)} MiB in all), in ${seconds.toFixed(1)} s: ${refused} refused RECORD_LIST_TOO_LARGE${refused === BOMBS ? '' : ` (answers: ${JSON.stringify(Object.fromEntries(errors))})`}; broker RSS ${mb(baselineRss)} -> peak ${mb(peakRss)} MB; longest event-loop stall ${maxStallMs.toFixed(0)} ms`,
      figure: `+${mb(grew)} MB RSS`,
      target: `<= +${RSS_BOUND_MB} MB`,
      pass: grew <= RSS_BOUND_MB * MB && refused === BOMBS,
    };
  });
}

async function loggedIn(address: string): Promise<RawConnection> {
  const connection = await RawConnection.open(address);
  await connection.call(17, 1, { mechanism: 'PLAIN' });
  const answer = (await connection.call(36, 1, { authBytes: Buffer.from('\0student\0pw') })) as { errorCode: number } | null;
  if (answer?.errorCode !== 0) throw new Error('the bench could not log in');
  return connection;
}

// ------------------------------------------------------------------ pre-authentication flood

const BIG_PREFIXES = 6;
const HALF_SENT = 300;
const IDLE = 2000;

export async function preAuthRss(): Promise<HardeningResult> {
  return withBroker({ brokers: 1, users: [{ name: 'student', password: 'pw' }] }, async (broker) => {
    const [address] = broker.bootstrap;
    await broker.baseline();
    const held: RawConnection[] = [];
    try {
      // The issue's flood: a 100 MB size prefix, then the bytes, as fast as the broker takes them.
      progress('pre-auth: 100 MB prefixes');
      const big = await Promise.all(Array.from({ length: BIG_PREFIXES }, () => RawConnection.open(address)));
      const chunk = Buffer.alloc(64 * 1024);
      await Promise.all(
        big.map(async (connection) => {
          const prefix = Buffer.alloc(4);
          prefix.writeInt32BE(100 * 1000 * 1000, 0);
          connection.send(prefix);
          for (let sent = 0; sent < 100 * MB && !connection.closed; sent += chunk.length) {
            connection.send(chunk);
            await new Promise((resolve) => setImmediate(resolve));
          }
        }),
      );
      const closedAtPrefix = big.filter((c) => c.closed).length;
      // Frames of 500 KB (within sasl.server.max.receive.size), half sent, never finished.
      for (let i = 0; i < HALF_SENT; i++) {
        const connection = await RawConnection.open(address);
        const frame = Buffer.alloc(4 + 250_000);
        frame.writeInt32BE(500_000, 0);
        connection.send(frame);
        held.push(connection);
        if (i % 50 === 0) progress(`pre-auth: ${i}/${HALF_SENT} half-sent frames`);
      }
      for (let i = 0; i < IDLE; i++) {
        held.push(await RawConnection.open(address));
        if (i % 200 === 0) progress(`pre-auth: ${i}/${IDLE} idle connections`);
      }
      // Let the broker read what it will, then see that it still serves.
      const alive = await answers(address);
      done();
      const { baselineRss, peakRss } = await broker.peaks();
      const grew = peakRss - baselineRss;
      return {
        name: 'pre-auth',
        detail: `no login: ${BIG_PREFIXES} connections sending 100 MB frames (${closedAtPrefix} closed at the size prefix), ${HALF_SENT} with half-sent 500 KB frames, ${thousands(IDLE)} idle; broker RSS ${mb(baselineRss)} -> peak ${mb(peakRss)} MB; ${alive ? 'still answers' : 'STOPPED ANSWERING'}`,
        figure: `+${mb(grew)} MB RSS`,
        target: `<= +${RSS_BOUND_MB} MB`,
        pass: grew <= RSS_BOUND_MB * MB && alive && closedAtPrefix === BIG_PREFIXES,
      };
    } finally {
      for (const connection of held) connection.destroy();
    }
  });
}

// ------------------------------------------------------------------ the broker process

async function brokerChild(optionsJson: string): Promise<void> {
  const { startCluster } = await import('../simulator/index.ts');
  const cluster = await startCluster(JSON.parse(optionsJson));
  cluster.createTopic({ name: 'bombed', partitions: 1 });
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  let baselineRss = process.memoryUsage().rss;
  let peakRss = baselineRss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 10);
  process.on('message', async (command) => {
    if (command === 'baseline') {
      globalThis.gc?.();
      baselineRss = peakRss = process.memoryUsage().rss;
      delay.reset();
      process.send!(null);
    } else if (command === 'peaks') {
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
      process.send!({ baselineRss, peakRss, maxStallMs: delay.max / 1e6 });
    } else if (command === 'stop') {
      clearInterval(sampler);
      await cluster.stop();
      process.exit(0);
    }
  });
  process.send!({ bootstrap: cluster.bootstrapServers });
}

/** The three measurements, one after the other (each with a broker process of its own). */
export async function hardening(): Promise<HardeningResult[]> {
  return [await fuzzRate(), await bombRss(), await bombRss(true), await preAuthRss()];
}

if (process.argv[1] === import.meta.filename) {
  if (process.argv[2] === 'broker') await brokerChild(process.argv[3]);
  else for (const r of process.argv[2] === 'bomb' ? [await bombRss(), await bombRss(true)] : await hardening()) console.log(`${r.pass ? 'PASS' : 'MISS'}  ${r.name.padEnd(8)} ${r.figure.padEnd(30)} target ${r.target}\n      ${''.padEnd(8)} ${r.detail}`);
}
