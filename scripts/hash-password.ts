/**
 * Prints the hash of an operator password for DASHBOARD_OPERATOR_PASSWORD_HASH.
 *   npm run hash-password            (asks twice, without echo)
 *   printf '%s\n' "$PW" | npm run --silent hash-password
 */
import readline from 'node:readline';
import { hashPassword } from '../src/lib/server/access/password';

const MIN_LENGTH = 10;

/** Reads one line; on a terminal without echoing what is typed. */
function ask(prompt: string): Promise<string> {
	const input = process.stdin;
	if (!input.isTTY) {
		return new Promise((resolve) => {
			const lines = readline.createInterface({ input });
			lines.once('line', (line) => (resolve(line), lines.close()));
			lines.once('close', () => resolve(''));
		});
	}
	return new Promise((resolve) => {
		process.stderr.write(prompt);
		input.setRawMode(true);
		input.resume();
		let typed = '';
		const onData = (chunk: Buffer) => {
			for (const char of chunk.toString('utf8')) {
				if (char === '\u0003') process.exit(130);
				if (char === '\r' || char === '\n') {
					input.setRawMode(false);
					input.pause();
					input.off('data', onData);
					process.stderr.write('\n');
					resolve(typed);
					return;
				}
				typed = char === '\u007f' ? typed.slice(0, -1) : typed + char;
			}
		};
		input.on('data', onData);
	});
}

const password = await ask('Operator password: ');
if (password.length < MIN_LENGTH) {
	console.error(`Use at least ${MIN_LENGTH} characters.`);
	process.exit(1);
}
if (process.stdin.isTTY && (await ask('Again: ')) !== password) {
	console.error('The two passwords differ.');
	process.exit(1);
}
console.log(await hashPassword(password));
