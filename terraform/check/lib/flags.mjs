// runner-configs/*.flags: one flag per line, blank lines and lines starting with # ignored.
// The same rules as terraform/modules/flags.

import { readFileSync } from 'node:fs';

/** The flag lines of a flags file's text, trimmed, without blank lines and comments. */
export function flagLines(text) {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

export function readFlagLines(file) {
  return flagLines(readFileSync(file, 'utf8'));
}

/** "--name=value" -> ["name", "value"]; a bare "--name" is a switch, value "true". */
export function splitFlag(line) {
  const body = line.replace(/^--/, '');
  const eq = body.indexOf('=');
  return eq < 0 ? [body, 'true'] : [body.slice(0, eq), body.slice(eq + 1)];
}

/** Flag name (without --) -> value, as Dataflow template parameters take them. */
export function flagMap(lines) {
  return Object.fromEntries(lines.map(splitFlag));
}

/** Human-readable differences between expected and actual flag lines (order matters too). */
export function diffFlagLines(expected, actual) {
  const exp = new Map(expected.map((line) => splitFlag(line)));
  const act = new Map(actual.map((line) => splitFlag(line)));
  const out = [];
  for (const [name, value] of act) {
    if (!exp.has(name)) out.push(`extra flag --${name}=${value}`);
    else if (exp.get(name) !== value) out.push(`--${name}=${value} where the file has --${name}=${exp.get(name)}`);
  }
  for (const [name, value] of exp) {
    if (!act.has(name)) out.push(`missing flag --${name}=${value}`);
  }
  if (out.length === 0 && expected.join('\n') !== actual.join('\n')) {
    out.push(expected.length === actual.length ? 'flags in another order than the file' : 'a flag given more than once');
  }
  return out;
}

/** Differences between the file's flags and a literal parameters map. */
export function diffFlagMap(expectedLines, actual) {
  const expected = flagMap(expectedLines);
  const out = [];
  for (const [name, value] of Object.entries(actual)) {
    if (!(name in expected)) out.push(`extra parameter ${name}=${value}`);
    else if (String(value) !== expected[name]) out.push(`${name}=${value} where the file has --${name}=${expected[name]}`);
  }
  for (const [name, value] of Object.entries(expected)) {
    if (!(name in actual)) out.push(`missing parameter ${name}=${value}`);
  }
  return out;
}
