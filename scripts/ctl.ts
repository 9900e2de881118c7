/**
 * `npm run ctl -- <command> [options]`: drives a running cluster from a second terminal through its
 * coordinator's control API (see `npm run ctl -- help`). Exit codes: 0 done, 1 the API refused or
 * could not be reached, 2 a usage error.
 */
import { resolve } from 'node:path';
import { formatCliError } from '@agentnet/protocol';
import { CTL_USAGE, CtlError, UnexpectedAnswerError, UsageError, callApi, findApi, formatAnswer, parseCtl, type CtlCommand } from '@agentnet/coordinator';

/** Relative paths (--run) mean the directory the user ran npm from. */
const USER_CWD = process.env.INIT_CWD ?? process.cwd();

let command: CtlCommand;
try {
  command = parseCtl(process.argv.slice(2));
} catch (err) {
  if (!(err instanceof UsageError)) throw err;
  process.stderr.write(formatCliError(err.message, 'npm run ctl --'));
  process.exit(2);
}
if (command.kind === 'help') {
  process.stdout.write(CTL_USAGE);
  process.exit(0);
}

try {
  // --url names the API alone; a run with --security on then takes its token from AGENTNET_API_TOKEN.
  const api = command.url === undefined ? findApi(resolve(USER_CWD, command.run)) : { url: command.url, token: process.env.AGENTNET_API_TOKEN };
  const answer = await callApi(api, command.request);
  if (command.json) process.stdout.write(`${JSON.stringify(answer.body, null, 2)}\n`);
  if (!answer.ok) {
    process.stderr.write(`error: ${answer.error}\n`);
    process.exit(1);
  }
  if (!command.json) process.stdout.write(formatAnswer(command.request, answer.body));
} catch (err) {
  if (!(err instanceof CtlError) && !(err instanceof UnexpectedAnswerError)) throw err;
  process.stderr.write(`error: ${err.message}\n`);
  process.exit(1);
}
