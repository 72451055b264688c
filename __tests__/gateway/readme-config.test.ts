/** The README's nats-server config is the one the tests run with (natsServerConfig), word for word. */
import fs from 'fs';
import path from 'path';
import { natsServerConfig } from '../../src/app/gateway/nats-config';

it('the README shows the permission config the tests use', () => {
  const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
  const shown = natsServerConfig({
    host: '127.0.0.1',
    port: 4222,
    wsPort: 8080,
    storeDir: './nats-data',
    gatewayPassword: 'CHANGE-ME-gateway',
    consumerPassword: 'CHANGE-ME-consumer',
  });
  expect(readme).toContain(`\`\`\`\n${shown}\`\`\``);
  // Consumers may publish leases only among rxm subjects, and read market subjects.
  expect(shown).toMatch(/user: "consumer".*\n\s+publish: \{ allow: \["rxm\.\*\.interest\.\*",/);
});
