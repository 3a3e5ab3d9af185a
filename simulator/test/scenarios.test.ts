import { afterEach, describe, expect, it } from 'vitest';
import { Partitioners } from 'kafkajs';
import { checkScenario, parseScenario, planScenario, rolesIn, runScenario, ScenarioError, startCluster, type ClusterHandle, type TimelineEntry } from '../index.ts';
import { kafkaFor, uniqueTopic } from './support/cluster.ts';

const running: ClusterHandle[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((c) => c.stop()));
});

async function cluster(brokers = 3): Promise<ClusterHandle> {
  const handle = await startCluster({ brokers, seed: 3, groupInitialRebalanceDelayMs: 0 });
  running.push(handle);
  return handle;
}

/** The problems a scenario text is refused with. */
function problemsOf(text: string): string[] {
  try {
    parseScenario(text, 'chaos.json');
  } catch (error) {
    if (error instanceof ScenarioError) return error.problems;
    throw error;
  }
  return [];
}

/** What a timeline did, without when exactly it happened (that depends on the machine). */
const withoutTiming = (timeline: TimelineEntry[]) => timeline.map(({ firedAtMs: _firedAtMs, ...rest }) => rest);
/** The plan a timeline carried out. */
const planOf = (timeline: TimelineEntry[]) => timeline.map(({ firedAtMs: _firedAtMs, outcome: _outcome, ...planned }) => planned);

const allUp = (count: number) => Array.from({ length: count }, (_, i) => ({ id: i + 1, state: 'up' as const }));

describe('fault scenarios', () => {
  it('runs its steps in time order against the brokers, and kafkajs feels the rule it adds', async () => {
    const c = await cluster();
    const states: string[] = [];
    c.events.on('broker-state-changed', (e) => states.push(`${e.brokerId} ${e.how}`));
    const scenario = parseScenario(`{
      "steps": [
        { "at": "100ms", "restart": 2 },
        { "at": "0ms", "kill": 2, "note": "steps may come in any order" },
        { "at": "150ms", "partition": [[1], [2, 3]] },
        { "at": "200ms", "heal": true },
        { "at": "250ms", "rule": { "name": "bounce", "match": { "api": "Produce" }, "action": { "error": "NOT_LEADER_OR_FOLLOWER" }, "times": 1 } }
      ]
    }`);
    const run = await runScenario(c, scenario, { seed: 1 });

    expect(run.completed).toBe(true);
    expect(run.timeline.map((e) => [e.atMs, e.text, e.outcome])).toEqual([
      [0, 'kill broker 2', 'done'],
      [100, 'restart broker 2', 'done'],
      [150, 'split [1] from [2,3]', 'done'],
      [200, 'heal the network', 'done'],
      [250, 'rule "bounce": api=Produce -> error=NOT_LEADER_OR_FOLLOWER x1', 'done'],
    ]);
    for (const entry of run.timeline) expect(entry.firedAtMs).toBeGreaterThanOrEqual(entry.atMs);
    expect(states).toEqual(['2 killed', '2 restarted']);
    expect(c.describe().network.cut).toEqual([]);
    expect(c.describe().faults.rules.map((r) => r.name)).toEqual(['bounce']);

    const topic = uniqueTopic('scenario');
    const producer = kafkaFor(c).producer({ createPartitioner: Partitioners.DefaultPartitioner, retry: { retries: 5, initialRetryTime: 20 } });
    await producer.connect();
    const bounced = c.events.waitFor('fault-fired', (e) => e.ruleName === 'bounce');
    await producer.send({ topic, messages: [{ value: 'after the storm' }] });
    await producer.disconnect();
    expect((await bounced).errorCode).toBe(6);
  });

  it('the same seed plans and runs the same timeline of random faults; another seed another', async () => {
    const scenario = checkScenario({ steps: [{ at: '0ms', random: { count: 12, kinds: ['kill', 'restart', 'split', 'heal', 'pause', 'resume'], within: '300ms' } }] });
    const plan = planScenario(scenario, allUp(3), 7);
    expect(plan).toHaveLength(12);
    expect(planScenario(scenario, allUp(3), 7)).toEqual(plan);
    expect(planScenario(scenario, allUp(3), 8)).not.toEqual(plan);
    // Random faults never take down the last running broker.
    const up = new Set([1, 2, 3]);
    for (const { action } of plan) {
      if (action.kind === 'kill' || action.kind === 'pause') up.delete(action.brokerId);
      if (action.kind === 'restart' || action.kind === 'resume') up.add(action.brokerId);
      expect(up.size).toBeGreaterThanOrEqual(1);
    }

    const first = await runScenario(await cluster(), scenario, { seed: 7 });
    const second = await runScenario(await cluster(), scenario, { seed: 7 });
    expect(first.seed).toBe(7);
    expect(first.timeline.every((e) => e.outcome === 'done' && e.random)).toBe(true);
    expect(withoutTiming(second.timeline)).toEqual(withoutTiming(first.timeline));
    expect(planOf(first.timeline)).toEqual(plan);
  });

  it('a seed in the file wins over the one the caller offers', async () => {
    const scenario = checkScenario({ seed: 11, steps: [{ at: 0, random: { count: 3, kinds: ['split', 'heal'], within: '50ms' } }] });
    const run = await runScenario(await cluster(), scenario, { seed: 99 });
    expect(run.seed).toBe(11);
    expect(planOf(run.timeline)).toEqual(planScenario(scenario, allUp(3), 11));
  });

  it('stops between steps when its signal aborts, returning what ran', async () => {
    const c = await cluster(2);
    const stop = new AbortController();
    const scenario = checkScenario({ steps: [{ at: '0ms', pause: 2 }, { at: '10m', resume: 2 }] });
    const run = await runScenario(c, scenario, { signal: stop.signal, onStep: () => stop.abort() });
    expect(run.completed).toBe(false);
    expect(run.timeline.map((e) => e.text)).toEqual(['pause broker 2']);
    expect(c.describe().brokers.find((b) => b.id === 2)!.state).toBe('paused');
  });

  it('a step that fails is recorded with why, and the run goes on', async () => {
    const c = await cluster(1);
    const scenario = checkScenario({ steps: [{ at: 0, removeRule: 'never-added' }, { at: 0, latency: { ms: 5 } }] });
    const run = await runScenario(c, scenario);
    expect(run.timeline.map((e) => [e.text, e.outcome])).toEqual([
      ['remove rule "never-added"', 'no rule named "never-added"'],
      ['latency 5ms on every broker', 'done'],
    ]);
  });

  it('refuses a scenario with every problem named by step, line and what was expected', () => {
    const problems = problemsOf(`{
  "seed": 7,
  "steps": [
    { "at": "2s", "kill": 1 },
    { "at": "soon", "kill": "two" },
    { "at": "3s" },
    { "at": "4s", "kill": 1, "heal": true },
    { "at": "5s", "partition": [[1], [1, 2]] },
    { "at": "6s", "rule": { "match": { "api": "Prodce" }, "action": { "swallow": true } } },
    { "at": "7s", "random": { "count": 0, "kinds": ["explode"], "within": "soon" } },
    { "at": "8s", "kil": 1 }
  ],
  "extra": true
}`);
    expect(problems).toEqual([
      'chaos.json: "extra" is not a scenario field; expected seed, description, steps',
      'chaos.json: steps[1] (line 5): "at" must be a time after the start like "2s", "500ms" or "1m" (or a number of ms), got "soon"',
      'chaos.json: steps[1] (line 5): "kill": expected a broker id (0, 1, 2, ...) or a role like "leader of orders[0]", got "two"',
      expect.stringMatching(/^chaos\.json: steps\[2\] \(line 6\): no action; expected one of kill, stop, restart/),
      'chaos.json: steps[3] (line 7): kill and heal in one step; give each its own step',
      'chaos.json: steps[4] (line 8): "partition": 1 on both sides',
      'chaos.json: steps[5] (line 9): rule.match.api: unknown API "Prodce"; did you mean "Produce"?',
      'chaos.json: steps[6] (line 10): "random".count: expected a whole number from 1 to 10000, got 0',
      expect.stringMatching(/^chaos\.json: steps\[6\] \(line 10\): "random"\.kinds: expected a list of kill, stop/),
      'chaos.json: steps[6] (line 10): "random".within: expected how long the faults spread over, like "20s", got "soon"',
      expect.stringMatching(/^chaos\.json: steps\[7\] \(line 11\): "kil" is not a step field/),
      expect.stringMatching(/^chaos\.json: steps\[7\] \(line 11\): no action/),
    ]);
    expect(problemsOf('{ "steps": [ { "at": "1s", "kill": 1 }, ]')).toEqual([expect.stringMatching(/^chaos\.json: not valid JSON/)]);
    expect(problemsOf('{ "steps": {} }')).toEqual([expect.stringContaining('"steps" must be a list of steps')]);
  });

  it('names brokers by their role when it starts: a partition\'s leader and followers, a group\'s coordinator', async () => {
    const c = await cluster(3);
    c.createTopic({ name: 'ledger', assignments: [[2, 3, 1]] });
    const scenario = checkScenario({
      steps: [
        { at: '0s', kill: 'followers of ledger[0]' },
        { at: '1s', partition: [['leader of ledger[0]'], ['clients']] },
        { at: '2s', restart: 'follower of ledger[0]' },
        { at: '3s', pause: 'coordinator of nobody' },
      ],
    });
    expect(() => planScenario(scenario, c.describe().brokers, 1, rolesIn(c.describe()))).toThrow('scenario: steps[3]: "coordinator of nobody": no group nobody yet');
    const plan = planScenario({ ...scenario, steps: scenario.steps.slice(0, 3) }, c.describe().brokers, 1, rolesIn(c.describe()));
    expect(plan.map((p) => p.text)).toEqual([
      'kill broker 3 (followers of ledger[0])',
      'kill broker 1 (followers of ledger[0])',
      'split [2] from [clients] (leader of ledger[0])',
      'restart broker 3 (follower of ledger[0])',
    ]);
    const run = await runScenario(c, { steps: scenario.steps.slice(0, 1) });
    expect(run.timeline.map((e) => e.outcome)).toEqual(['done', 'done']);
    expect(c.describe().brokers.filter((b) => b.state === 'down').map((b) => b.id)).toEqual([1, 3]);
  });

  it('refuses a plan naming brokers the cluster does not have', () => {
    const scenario = parseScenario('{"steps": [\n{"at": "1s", "kill": 4},\n{"at": "2s", "partition": [[1], [5, "clients"]]}\n]}', 'chaos.json');
    expect(() => planScenario(scenario, allUp(3), 1)).toThrow(
      'chaos.json: steps[0] (line 2): no broker 4; the cluster has brokers 1, 2, 3\nchaos.json: steps[1] (line 3): no broker 5; the cluster has brokers 1, 2, 3',
    );
  });
});
