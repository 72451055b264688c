import { RegisterCommand } from '../context';
import { registerStream } from './stream';

/** Every `rx-market` command. A command is a file here exporting a RegisterCommand. */
export const commands: readonly RegisterCommand[] = [registerStream];
