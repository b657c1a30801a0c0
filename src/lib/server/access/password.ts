import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * Operator password hashes: scrypt from node:crypto (memory-hard, no native add-on to build),
 * stored as `scrypt$<N>$<r>$<p>$<salt>$<hash>` with base64 salt and hash.
 */
const COST = { N: 2 ** 15, r: 8, p: 1 };
const KEY_LENGTH = 32;
const FORMAT = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/;

function derive(password: string, salt: Buffer, length: number, cost: ScryptOptions) {
	return new Promise<Buffer>((resolve, reject) =>
		scrypt(
			password.normalize('NFC'),
			salt,
			length,
			{ ...cost, maxmem: 256 * cost.N! * cost.r! },
			(error, key) => (error ? reject(error) : resolve(key))
		)
	);
}

export async function hashPassword(password: string): Promise<string> {
	const salt = randomBytes(16);
	const key = await derive(password, salt, KEY_LENGTH, COST);
	return ['scrypt', COST.N, COST.r, COST.p, salt.toString('base64'), key.toString('base64')].join(
		'$'
	);
}

export function isPasswordHash(value: string): boolean {
	return FORMAT.test(value.trim());
}

export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
	const match = FORMAT.exec(encoded.trim());
	if (!match) return false;
	const [N, r, p, salt, hash] = match.slice(1) as [string, string, string, string, string];
	const expected = Buffer.from(hash, 'base64');
	const cost = { N: Number(N), r: Number(r), p: Number(p) };
	const key = await derive(password, Buffer.from(salt, 'base64'), expected.length, cost);
	return timingSafeEqual(key, expected);
}
