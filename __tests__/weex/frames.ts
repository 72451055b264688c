import * as path from 'path';
import * as fs from 'fs';

/** Sample V3 frames, as data. */
export const frames: Record<string, string> = JSON.parse(
  fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'weex', 'v3-frames.json'), 'utf8'),
);
