// Starts Apache Kafka in KRaft combined mode (each node both broker and controller) on 127.0.0.1,
// from the jars in the cache: format each node's storage, start its JVM, wait for "Kafka Server
// started" in its log. Every JVM runs in a process group of its own under a small shell that also
// ends it when this process goes away, even by SIGKILL, so no broker outlives its owner.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ensureKafkaJars } from './jars.ts';
import { findJava, KAFKA_VERSION } from './prerequisites.ts';

export interface RealKafkaOptions {
  /** Number of combined broker+controller nodes (default 1). */
  nodes?: number;
  /** Apache Kafka version (default KAFKA_VERSION). */
  version?: string;
  /** Maximum heap per node in MB (default 512; the initial heap is half of it, at least 256). */
  heapMb?: number;
  /** Extra server.properties entries for every node. */
  brokerConfig?: Record<string, string>;
  /** How long to wait for every node to log "Kafka Server started" (default 120 s). */
  readyTimeoutMs?: number;
  /** Progress for people (downloads, node starts). */
  log?: (line: string) => void;
  /**
   * Clients must log in (SASL_PLAINTEXT; PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512) as one of these
   * users, and ACLs are enforced (StandardAuthorizer). Brokers talk to each other on a PLAINTEXT
   * listener of their own.
   */
  sasl?: SaslSetup;
}

export interface SaslSetup {
  users: { name: string; password: string }[];
  /** Users that bypass ACLs ("admin" or "User:admin"). */
  superUsers?: string[];
}

export interface RealKafkaNode {
  id: number;
  /** The clients' listener: PLAINTEXT, or SASL_PLAINTEXT with `sasl`. */
  port: number;
  controllerPort: number;
  /** With `sasl`: the brokers' own PLAINTEXT listener. */
  internalPort?: number;
  /** The node's combined stdout and stderr. */
  logFile: string;
}

export interface RealKafkaCluster {
  version: string;
  clusterId: string;
  bootstrapServers: string[];
  nodes: RealKafkaNode[];
  /** Where storage, configs and logs live; removed by stop(). */
  dir: string;
  /** SIGTERM to every node, SIGKILL after a deadline; resolves when no process is left. */
  stop(): Promise<void>;
  /** SIGTERM to one node (Kafka's controlled shutdown), SIGKILL after a deadline; resolves when it is gone. */
  stopNode(id: number): Promise<void>;
  /** SIGKILL to one node: a crash; resolves when it is gone. */
  killNode(id: number): Promise<void>;
  /** Starts a stopped node again with its config, storage and ports; resolves when it logs "Kafka Server started". */
  restartNode(id: number): Promise<void>;
}

const HOST = '127.0.0.1';
const STARTED = 'Kafka Server started';
const STOP_GRACE_MS = 30_000;

/**
 * The JVM runs in the background. Reading stdin blocks until our end of the pipe closes, which only
 * happens when this process is gone (stop() ends the whole group first): then the JVM is stopped
 * and the cluster's folder removed.
 */
const WATCHDOG = `
exec 3<&0
"$0" "$@" </dev/null >>"$KAFKA_LAB_LOG" 2>&1 &
jvm=$!
{
  cat <&3 >/dev/null
  kill -TERM "$jvm" 2>/dev/null
  while kill -0 "$jvm" 2>/dev/null; do sleep 0.2; done
  rm -rf "$KAFKA_LAB_DIR"
} &
wait "$jvm"
`;

export async function startRealKafka(options: RealKafkaOptions = {}): Promise<RealKafkaCluster> {
  const { nodes: count = 1, version = KAFKA_VERSION, heapMb = 512, readyTimeoutMs = 120_000, log = () => {} } = options;
  if (!Number.isInteger(count) || count < 1 || count > 9) throw new Error(`nodes must be 1 to 9, not ${count}`);
  const java = findJava();
  if (!java.command) throw new Error(java.detail);
  const libs = await ensureKafkaJars(version, log);
  const classpath = `${libs}${path.sep}*`;

  // Free ports are found by binding port 0; another process may take one before Kafka binds it,
  // so a start that fails on a taken port is tried again with new ports.
  for (let attempt = 1; ; attempt++) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kafka-lab-real-'));
    const perNode = options.sasl ? 3 : 2;
    const cluster = new JvmCluster(version, dir, await freePorts(count * perNode), count, options.sasl);
    try {
      await cluster.start(java.command, classpath, heapMb, options.brokerConfig ?? {}, readyTimeoutMs, log);
      return cluster;
    } catch (error) {
      await cluster.stop();
      if (attempt < 3 && /Address already in use|BindException/.test(String(error))) continue;
      throw error;
    }
  }
}

class JvmCluster implements RealKafkaCluster {
  readonly clusterId = newClusterId();
  readonly nodes: RealKafkaNode[];
  /** Each node's watchdog shell, by node id (the latest one after a restart). */
  private readonly processes = new Map<number, ChildProcess>();
  private stopping?: Promise<void>;
  private java = '';
  private jvmArgs: string[] = [];
  private readyTimeoutMs = 0;

  constructor(
    readonly version: string,
    readonly dir: string,
    ports: number[],
    count: number,
    private readonly sasl?: SaslSetup,
  ) {
    const perNode = sasl ? 3 : 2;
    this.nodes = Array.from({ length: count }, (_, i) => ({
      id: i + 1,
      port: ports[perNode * i],
      controllerPort: ports[perNode * i + 1],
      ...(sasl && { internalPort: ports[perNode * i + 2] }),
      logFile: path.join(dir, `node-${i + 1}`, 'server.log'),
    }));
  }

  get bootstrapServers(): string[] {
    return this.nodes.map((n) => `${HOST}:${n.port}`);
  }

  async start(java: string, classpath: string, heapMb: number, extra: Record<string, string>, readyTimeoutMs: number, log: (line: string) => void): Promise<void> {
    const heap = [`-Xmx${heapMb}m`, `-Xms${Math.max(256, Math.min(heapMb, Math.floor(heapMb / 2)))}m`];
    this.jvmArgs = [...heap, '-XX:+UseG1GC', '-XX:MaxGCPauseMillis=20', '-Djava.awt.headless=true', '-cp', classpath, 'kafka.Kafka'];
    this.java = java;
    this.readyTimeoutMs = readyTimeoutMs;
    for (const node of this.nodes) {
      const properties = propertiesOf(node);
      fs.mkdirSync(path.dirname(node.logFile), { recursive: true });
      fs.writeFileSync(properties, serverProperties(node, this.nodes, extra, path.join(path.dirname(node.logFile), 'data'), this.sasl));
      // SCRAM credentials live in the cluster metadata; formatting writes them there.
      const scram = (this.sasl?.users ?? []).flatMap((u) =>
        ['SCRAM-SHA-256', 'SCRAM-SHA-512'].flatMap((mechanism) => ['--add-scram', `${mechanism}=[name=${u.name},password=${u.password}]`]),
      );
      const format = spawnSync(java, ['-cp', classpath, 'kafka.tools.StorageTool', 'format', '-t', this.clusterId, '-c', properties, ...scram], {
        encoding: 'utf8',
        timeout: 120_000,
      });
      if (format.status !== 0) {
        throw new Error(`formatting node ${node.id}'s storage failed (${format.error?.message ?? `exit ${format.status}`}):\n${(format.stdout + format.stderr).trim().slice(-3000)}`);
      }
    }
    log(`starting ${this.nodes.length} Kafka ${this.version} node(s) in ${this.dir}`);
    for (const node of this.nodes) this.spawnNode(node);
    await Promise.all(this.nodes.map((node) => this.waitUntilStarted(node, 0)));
    log(`Kafka ${this.version} ready: ${this.bootstrapServers.join(',')}`);
  }

  private spawnNode(node: RealKafkaNode): void {
    const child = spawn('sh', ['-c', WATCHDOG, this.java, ...this.jvmArgs, propertiesOf(node)], {
      detached: true, // a process group of its own: stop() signals the JVM and the shell together
      stdio: ['pipe', 'ignore', 'ignore'],
      env: { ...process.env, KAFKA_LAB_LOG: node.logFile, KAFKA_LAB_DIR: this.dir },
    });
    child.stdin?.on('error', () => {});
    this.processes.set(node.id, child);
  }

  /** Waits for "Kafka Server started" past `from` (the log's length when this start began). */
  private async waitUntilStarted(node: RealKafkaNode, from: number): Promise<void> {
    const child = this.processes.get(node.id)!;
    const deadline = Date.now() + this.readyTimeoutMs;
    for (;;) {
      const text = readLog(node.logFile).slice(from);
      if (text.includes(STARTED)) return;
      const exited = child.exitCode !== null || child.signalCode !== null;
      if (exited || Date.now() > deadline) {
        const why = exited ? `exited (${child.exitCode ?? child.signalCode})` : `did not log "${STARTED}" within ${this.readyTimeoutMs} ms`;
        throw new Error(`Kafka node ${node.id} ${why}; the end of ${node.logFile}:\n${lastLines(text, 25)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  private node(id: number): RealKafkaNode {
    const node = this.nodes.find((n) => n.id === id);
    if (!node) throw new Error(`no node ${id}: nodes are ${this.nodes.map((n) => n.id).join(', ')}`);
    if (this.stopping) throw new Error('the cluster is stopping');
    return node;
  }

  async stopNode(id: number): Promise<void> {
    const child = this.processes.get(this.node(id).id)!;
    // The whole group goes: the watchdog shell dies before it could remove the cluster's folder.
    signal(child, 'SIGTERM');
    const deadline = Date.now() + STOP_GRACE_MS;
    while (groupAlive(child) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    await this.killNode(id);
  }

  async killNode(id: number): Promise<void> {
    const child = this.processes.get(this.node(id).id)!;
    signal(child, 'SIGKILL');
    while (groupAlive(child)) await new Promise((resolve) => setTimeout(resolve, 20));
  }

  async restartNode(id: number): Promise<void> {
    const node = this.node(id);
    if (groupAlive(this.processes.get(id)!)) return;
    const from = readLog(node.logFile).length;
    this.spawnNode(node);
    await this.waitUntilStarted(node, from);
  }

  stop(): Promise<void> {
    this.stopping ??= this.stopProcesses();
    return this.stopping;
  }

  private async stopProcesses(): Promise<void> {
    const processes = [...this.processes.values()];
    for (const child of processes) signal(child, 'SIGTERM');
    const deadline = Date.now() + STOP_GRACE_MS;
    while (processes.some((p) => groupAlive(p)) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    for (const child of processes) signal(child, 'SIGKILL');
    while (processes.some((p) => groupAlive(p))) await new Promise((resolve) => setTimeout(resolve, 50));
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

const propertiesOf = (node: RealKafkaNode) => path.join(path.dirname(node.logFile), 'server.properties');

/** Signals a node's whole process group: its watchdog shell and its JVM. */
function signal(child: ChildProcess, name: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, name);
  } catch {
    // the group is already gone
  }
}

/** True while any process of the child's group is alive (zombies of our own child count until reaped). */
function groupAlive(child: ChildProcess): boolean {
  if (child.pid === undefined) return false;
  try {
    process.kill(-child.pid, 0);
    return true;
  } catch {
    return false;
  }
}

function serverProperties(node: RealKafkaNode, nodes: RealKafkaNode[], extra: Record<string, string>, dataDir: string, sasl?: SaslSetup): string {
  const replication = String(Math.min(3, nodes.length));
  const minIsr = String(Math.min(2, nodes.length));
  const properties: Record<string, string> = {
    'process.roles': 'broker,controller',
    'node.id': String(node.id),
    'controller.quorum.voters': nodes.map((n) => `${n.id}@${HOST}:${n.controllerPort}`).join(','),
    listeners: `PLAINTEXT://${HOST}:${node.port},CONTROLLER://${HOST}:${node.controllerPort}`,
    'advertised.listeners': `PLAINTEXT://${HOST}:${node.port}`,
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    ...(sasl && saslProperties(node, sasl)),
    'log.dirs': dataDir,
    'offsets.topic.replication.factor': replication,
    'transaction.state.log.replication.factor': replication,
    'transaction.state.log.min.isr': minIsr,
    'share.coordinator.state.topic.replication.factor': replication,
    'share.coordinator.state.topic.min.isr': minIsr,
    'group.initial.rebalance.delay.ms': '0',
    ...extra,
  };
  return Object.entries(properties).map(([k, v]) => `${k}=${v}`).join('\n') + '\n';
}

/** A SASL_PLAINTEXT listener for clients, with every mechanism, users and the standard authorizer. */
function saslProperties(node: RealKafkaNode, sasl: SaslSetup): Record<string, string> {
  const plainUsers = sasl.users.map((u) => `user_${u.name}="${u.password}"`).join(' ');
  const principal = (u: string) => (/^[A-Za-z]+:/.test(u) ? u : `User:${u}`);
  return {
    listeners: `CLIENT://${HOST}:${node.port},INTERNAL://${HOST}:${node.internalPort},CONTROLLER://${HOST}:${node.controllerPort}`,
    'advertised.listeners': `CLIENT://${HOST}:${node.port},INTERNAL://${HOST}:${node.internalPort}`,
    'listener.security.protocol.map': 'CLIENT:SASL_PLAINTEXT,INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'inter.broker.listener.name': 'INTERNAL',
    'sasl.enabled.mechanisms': 'PLAIN,SCRAM-SHA-256,SCRAM-SHA-512',
    'listener.name.client.plain.sasl.jaas.config': `org.apache.kafka.common.security.plain.PlainLoginModule required ${plainUsers};`,
    'listener.name.client.scram-sha-256.sasl.jaas.config': 'org.apache.kafka.common.security.scram.ScramLoginModule required;',
    'listener.name.client.scram-sha-512.sasl.jaas.config': 'org.apache.kafka.common.security.scram.ScramLoginModule required;',
    'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
    // The brokers' and controllers' own PLAINTEXT listeners carry User:ANONYMOUS, which must pass.
    'super.users': ['User:ANONYMOUS', ...(sasl.superUsers ?? []).map(principal)].join(';'),
    'allow.everyone.if.no.acl.found': 'false',
  };
}

/** A KRaft cluster id: 16 random bytes, base64url; one starting with '-' would read as a flag. */
function newClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () => new Promise<net.Server>((resolve, reject) => {
      const server = net.createServer();
      server.once('error', reject);
      server.listen(0, HOST, () => resolve(server));
    })),
  );
  const ports = servers.map((s) => (s.address() as net.AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}

function readLog(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

const lastLines = (text: string, n: number) => text.trimEnd().split('\n').slice(-n).join('\n') || '(empty)';
