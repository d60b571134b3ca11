import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { VenueConfig } from './config.ts';

/** The file that marks a venue running from this data directory. */
export function pidFile(config: VenueConfig): string {
  return join(config.ACCREDEX_DATA_DIR, 'venue.pid');
}

/** The pid of a venue already running from this data directory, if any (a stale file from a crash is ignored). */
export function runningVenue(config: VenueConfig): number | undefined {
  const file = pidFile(config);
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8'));
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined;
  }
}
