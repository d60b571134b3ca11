/** `npm run reset`: forget the local chain and its manifest, so the next `npm start` begins from scratch. */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { LOCAL_CHAIN_ID } from './anvil.ts';
import { loadVenueConfig } from './config.ts';
import { runningVenue } from './pid.ts';

const config = loadVenueConfig();
const pid = runningVenue(config);
if (pid !== undefined) {
  console.error(`Accredex is running (pid ${pid}); stop it first (Ctrl-C in its terminal), then reset.`);
  process.exit(1);
}
rmSync(join(config.ACCREDEX_DATA_DIR, 'anvil'), { recursive: true, force: true });
rmSync(join(config.ACCREDEX_DATA_DIR, 'anvil.log'), { force: true });
rmSync(join(config.ACCREDEX_DEPLOYMENTS_DIR, `${LOCAL_CHAIN_ID}.json`), { force: true });
console.log(`reset: the local chain in ${config.ACCREDEX_DATA_DIR} and its manifest are gone; npm start begins anew`);
