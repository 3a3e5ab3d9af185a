// kafkajs 2.2.4 arms a timer with a negative delay on Node 23+, and Node prints a
// TimeoutNegativeWarning on stderr: over the lab screen, or into a check report. It is harmless (Node
// waits 1 ms instead); this drops that one warning and lets every other through.

export function quietKafkajsTimerWarning(): void {
  const emit = process.emitWarning.bind(process) as (...args: unknown[]) => void;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    const type = warning instanceof Error ? warning.name : typeof rest[0] === 'string' ? rest[0] : (rest[0] as { type?: string } | undefined)?.type;
    if (type === 'TimeoutNegativeWarning') return;
    emit(warning, ...rest);
  }) as typeof process.emitWarning;
}
