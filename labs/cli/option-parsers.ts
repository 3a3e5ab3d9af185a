// Parsers for flag values, shared by the subcommands. They throw commander's InvalidArgumentError,
// which commander reports as one line naming the flag, and exits with code 1.

import { InvalidArgumentError } from 'commander';

/** A whole number in min..max, written in decimal ("8", not "8.0", "0x8" or "8k"). */
export function integerIn(min: number, max: number): (value: string) => number {
  return (value) => {
    const text = value.trim();
    const number = Number(text);
    if (!/^[+-]?\d+$/.test(text) || !Number.isSafeInteger(number) || number < min || number > max) {
      throw new InvalidArgumentError(`Expected a whole number from ${min} to ${max}.`);
    }
    return number;
  };
}
