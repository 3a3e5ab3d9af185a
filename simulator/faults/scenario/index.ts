// Scenario files: timed steps of faults and heals, written as JSON, run against a cluster.
//
//   { "seed": 7, "steps": [
//       { "at": "2s", "kill": 1 },
//       { "at": "5s", "restart": 1 },
//       { "at": "6s", "partition": [[1], [2, 3]] },
//       { "at": "9s", "heal": true },
//       { "at": "3s", "random": { "count": 5, "kinds": ["kill", "restart", "split"], "within": "20s" } } ] }
//
// parse.ts checks the file and names every problem with its step and line; plan.ts turns it into
// a timeline of concrete actions (random steps drawn from the seed); run.ts carries that out.

export { ACTION_KEYS, BROKER_ROLE, checkScenario, formatMs, parseDuration, parseScenario, RANDOM_KINDS, ScenarioError, scenarioFrom, scenarioSchema } from './parse.ts';
export type { BrokerTarget, ScenarioJson, RandomFaults, RandomKind, Scenario, ScenarioAction, ScenarioStep } from './parse.ts';
export { describeAction, planScenario, rolesIn } from './plan.ts';
export type { BrokerState, PlannedStep, RoleResolver } from './plan.ts';
export { runScenario } from './run.ts';
export type { RunOptions, ScenarioCluster, ScenarioRun, TimelineEntry } from './run.ts';
