/**
 * `node --import tsx test/reliability/rss_cli.ts <sdi args…>`: runs the real `sdi` dispatcher in a
 * fresh process and, on exit, prints one JSON line `{"status":…,"maxRssBytes":…}` to stdout: the
 * process's peak resident memory (getrusage ru_maxrss), which a parent cannot read after the fact.
 */
import { main } from '../../src/cli/main.js';

const status = await main(process.argv.slice(2));
process.stdout.write(JSON.stringify({ status, maxRssBytes: process.resourceUsage().maxRSS * 1024 }) + '\n');
process.exit(status);
