// The live picture of `kafka-lab chaos`: redraws the cluster a few times a second (picture.ts
// lays it out) and turns keys into faults. A digit selects a broker; k kills it, r restarts (or
// resumes) it, p pauses or resumes it, s splits it from the other brokers, c cuts the clients off
// it, h heals the network, l loads a scenario file, q quits. Clients stay connected throughout:
// the faults are the cluster's, not the screen's.

/** @jsxRuntime automatic @jsxImportSource react */

import fs from 'node:fs';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useInput } from 'ink';
import { parseScenario, runScenario, ScenarioError, type ClusterHandle, type NetworkNode, type TimedEvent } from '../../../simulator/index.ts';
import { feedLine, type Tone } from './event-line.ts';
import { ToneLines } from '../full-screen.tsx';
import { chaosLines, type ChaosView } from './picture.ts';

export interface ChaosScreenProps {
  cluster: ClusterHandle;
  bootstrap: string;
  width: number;
  height: number;
  /** How often the picture is redrawn (default 250 ms). */
  refreshMs?: number;
  /** What the scenario prompt starts with (`--scenario`). */
  scenarioPath?: string;
  onQuit(): void;
}

const FEED_SIZE = 200;

const oneLine = (error: unknown) => (error instanceof ScenarioError ? error.problems[0] : error instanceof Error ? error.message : String(error)).replace(/\s*\n\s*/g, ' ');

export function ChaosScreen({ cluster, bootstrap, width, height, refreshMs = 250, scenarioPath = '', onQuit }: ChaosScreenProps) {
  const [snapshot, setSnapshot] = useState(() => cluster.describe());
  // The feed keeps its own list: on a busy cluster, requests would push everything else out of events.recent().
  const feed = useRef<TimedEvent[] | null>(null);
  feed.current ??= cluster.events.recent().filter((e) => feedLine(e) !== null);
  const [events, setEvents] = useState(() => [...feed.current!]);
  const [selected, showSelected] = useState(() => snapshot.brokers[0]?.id ?? 1);
  const chosenBroker = useRef(selected);
  const [status, setStatus] = useState<ChaosView['status']>();
  const [prompt, showPrompt] = useState<string | null>(null);
  // The prompt's text lives in a ref too: keys typed faster than React renders must all count.
  const typed = useRef<string | null>(null);
  const setPrompt = (text: string | null) => {
    typed.current = text;
    showPrompt(text);
  };
  const scenario = useRef<AbortController | null>(null);

  const refresh = useCallback(() => {
    setSnapshot(cluster.describe());
    setEvents([...feed.current!]);
  }, [cluster]);
  useEffect(
    () =>
      cluster.events.subscribe((event) => {
        if (feedLine(event) === null) return;
        feed.current!.push(event);
        if (feed.current!.length > FEED_SIZE) feed.current!.shift();
      }),
    [cluster],
  );
  useEffect(() => {
    const timer = setInterval(refresh, refreshMs);
    return () => clearInterval(timer);
  }, [refresh, refreshMs]);
  useEffect(() => () => scenario.current?.abort(), []);

  const say = (text: string, tone?: Tone) => setStatus({ text, tone });
  /** Runs a fault; the status line tells while it runs, when it is done, or why it failed. */
  const act = (doing: string, done: string, action: () => unknown) => {
    say(`${doing}…`, 'muted');
    Promise.resolve()
      .then(action)
      .then(
        () => say(done, 'accent'),
        (error: unknown) => say(`${doing} failed: ${oneLine(error)}`, 'bad'),
      )
      .finally(refresh);
  };

  const loadScenario = (path: string) => {
    if (scenario.current) return say('a scenario is still running; wait for it to finish', 'warn');
    let parsed;
    try {
      parsed = parseScenario(fs.readFileSync(path, 'utf8'), path);
    } catch (error) {
      return say(`cannot load ${path}: ${oneLine(error)}`, 'bad');
    }
    const controller = new AbortController();
    scenario.current = controller;
    let fired = 0;
    say(`scenario ${path} started`, 'accent');
    runScenario(cluster, parsed, {
      signal: controller.signal,
      onStep: (entry) => {
        fired++;
        say(`scenario step ${fired}: ${entry.text}${entry.outcome === 'done' ? '' : ` (${entry.outcome})`}`, entry.outcome === 'done' ? 'accent' : 'bad');
        refresh();
      },
    })
      .then(
        (run) => say(`scenario ${run.completed ? 'finished' : 'stopped'}: ${run.timeline.length} step${run.timeline.length === 1 ? '' : 's'}, seed ${run.seed}`, 'ok'),
        (error: unknown) => say(`scenario failed: ${oneLine(error)}`, 'bad'),
      )
      .finally(() => {
        scenario.current = null;
        refresh();
      });
  };

  // A terminal may hand over several keys at once ("2k" typed quickly, or sent by tmux): each acts in turn.
  const press = (keyName: string, chosen: number): number => {
    const broker = snapshot.brokers.find((b) => b.id === chosen);
    if (/^[1-9]$/.test(keyName)) {
      const id = Number(keyName);
      if (!snapshot.brokers.some((b) => b.id === id)) {
        say(`there is no broker ${id}`, 'warn');
        return chosen;
      }
      say(`keys act on broker ${id}`, 'muted');
      return id;
    }
    if (keyName === 'k') act(`killing broker ${chosen}`, `broker ${chosen} killed`, () => cluster.killBroker(chosen));
    else if (keyName === 'r') act(`restarting broker ${chosen}`, `broker ${chosen} running`, () => cluster.restartBroker(chosen));
    else if (keyName === 'p') {
      if (broker?.state === 'paused') act(`resuming broker ${chosen}`, `broker ${chosen} resumed`, () => cluster.resumeBroker(chosen));
      else act(`pausing broker ${chosen}`, `broker ${chosen} paused: it accepts connections and answers nothing`, () => cluster.pauseBroker(chosen));
    } else if (keyName === 's') {
      const others: NetworkNode[] = snapshot.brokers.map((b) => b.id).filter((id) => id !== chosen);
      if (others.length === 0) say('a split needs two brokers', 'warn');
      else act(`splitting broker ${chosen} off`, `broker ${chosen} cut off from brokers ${others.join(',')}`, () => cluster.partition([chosen], others));
    } else if (keyName === 'c') act(`cutting clients off broker ${chosen}`, `clients cannot reach broker ${chosen}`, () => cluster.partition(['clients'], [chosen]));
    else if (keyName === 'h') act('healing the network', 'network healed', () => cluster.heal());
    else if (keyName === 'l') setPrompt(scenarioPath);
    else if (keyName === 'q') {
      scenario.current?.abort();
      onQuit();
    }
    return chosen;
  };

  useInput((input, key) => {
    const text = typed.current;
    if (text !== null) {
      if (key.return) {
        setPrompt(null);
        if (text.trim()) loadScenario(text.trim());
      } else if (key.escape) setPrompt(null);
      else if (key.backspace || key.delete) setPrompt(text.slice(0, -1));
      else if (input && !key.ctrl && !key.meta) setPrompt(text + input);
      return;
    }
    if (key.ctrl || key.meta) return;
    let chosen = chosenBroker.current;
    for (const character of input) {
      chosen = press(character, chosen);
      if (character === 'l' || character === 'q') break;
    }
    chosenBroker.current = chosen;
    showSelected(chosen);
  });

  const view: ChaosView = { snapshot, events, bootstrap, selected, status, prompt, scenarios: true };
  return <ToneLines lines={chaosLines(view, width, height)} width={width} />;
}
