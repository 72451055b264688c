import * as fs from 'fs';
import * as path from 'path';
import { brokers, cliStreams } from '../brokers';
import { exitCodes } from './context';

/** The package's version, from the package.json above this file (dist/ or src/app/cli/). */
export function packageVersion(): string {
  for (let dir = __dirname, i = 0; i < 5; i++, dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (!fs.existsSync(file)) continue;
    const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string; version?: string };
    if (pkg.name === 'rx-market' && pkg.version) return pkg.version;
  }
  return 'unknown';
}

/** Each broker's streams, as `rx-market stream <broker> <stream>` takes them. */
export function streamsHelp(): string {
  const lines = ['Streams (rx-market stream <broker> <stream> [symbols...]):'];
  for (const broker of brokers) {
    lines.push(`  ${broker.name.padEnd(8)} ${Object.keys(cliStreams(broker)).join(', ')}`);
  }
  lines.push('  Account streams (orders, positions, balances, fills) take no symbols.');
  return lines.join('\n');
}

/** Credentials and endpoints each broker reads from the environment. */
export function environmentHelp(): string {
  const lines = ['Environment (credentials never go on the command line):'];
  for (const broker of brokers) lines.push(`  ${broker.name.padEnd(8)} ${broker.envVars.join(' ')}`);
  lines.push('  Without credentials, `rx-market sim` prints the variables that point a feed at the simulator.');
  return lines.join('\n');
}

export function exitCodesHelp(): string {
  return [
    'Exit codes:',
    `  ${exitCodes.ok}    done (--count reached, stream completed, reader closed the pipe)`,
    `  ${exitCodes.fatal}    fatal feed error (credentials refused, bad configuration, output stalled)`,
    `  ${exitCodes.usage}    bad usage (unknown command, option, broker or stream; missing argument)`,
    `  ${exitCodes.timeout}    --timeout passed before --count events`,
    `  ${exitCodes.interrupted}  interrupted (Ctrl-C)`,
  ].join('\n');
}

export function examplesHelp(): string {
  return [
    'Examples:',
    '  rx-market sim --broker kiwoom            # a simulated Kiwoom market; prints the KIWOOM_* variables to use',
    '  rx-market stream kiwoom trades 005930 000660 --count 10 | jq .price',
    '  rx-market demo                           # terminal dashboard on the simulator',
  ].join('\n');
}

/** Everything `rx-market --help` adds after commander's own list of commands and options. */
export function programHelp(): string {
  return ['', streamsHelp(), '', environmentHelp(), '', exitCodesHelp(), '', examplesHelp(), ''].join('\n');
}
