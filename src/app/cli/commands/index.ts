import { RegisterCommand } from '../context';
import { registerStream } from './stream';
import { registerSim } from './sim';
import { registerDemo } from './demo';
import { registerRecord } from './record';
import { registerReplay } from './replay';
import { registerGateway } from './gateway';

/** Every `rx-market` command. A command is a file here exporting a RegisterCommand. */
export const commands: readonly RegisterCommand[] = [
  registerStream,
  registerSim,
  registerDemo,
  registerRecord,
  registerReplay,
  registerGateway,
];
