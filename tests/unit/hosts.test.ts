import { describe, expect, it } from 'vitest';
import { hostAllowList, isShared } from '$lib/server/access/hosts';

describe('the Host allow-list', () => {
	const local = hostAllowList({ bind: '127.0.0.1' });
	const lan = hostAllowList({
		bind: '0.0.0.0',
		origin: 'http://lab-pc.example.org:3000',
		allowed: 'lab-pc, 192.168.1.20'
	});

	it.each(['localhost:3000', '127.0.0.1:3000', '127.5.5.5', '[::1]:3000', 'app.localhost'])(
		'answers loopback %s always',
		(host) => {
			expect(local(host)).toBe(true);
			expect(lan(host)).toBe(true);
		}
	);

	it.each(['evil.example', 'lab-pc.example.org:3000', '192.168.1.20:3000', '', null])(
		'refuses %s on a loopback bind',
		(host) => expect(local(host)).toBe(false)
	);

	it.each(['lab-pc.example.org:3000', 'LAB-PC.example.org', 'lab-pc:3000', '192.168.1.20:3000'])(
		'answers the configured %s on a LAN bind',
		(host) => expect(lan(host)).toBe(true)
	);

	it.each(['evil.example', 'lab-pc.example.org.evil.example', '10.0.0.1'])(
		'refuses %s on a LAN bind',
		(host) => expect(lan(host)).toBe(false)
	);

	it('answers the public name behind a reverse proxy on a loopback bind', () => {
		const proxied = hostAllowList({ bind: '127.0.0.1', origin: 'https://sync.lab.example' });
		expect(proxied('sync.lab.example')).toBe(true);
		expect(proxied('evil.example')).toBe(false);
	});
});

describe('sharing', () => {
	it.each([
		[{ bind: '127.0.0.1' }, false],
		[{ bind: '127.0.0.1', origin: 'http://localhost:3000' }, false],
		[{ bind: '::1' }, false],
		[{ bind: '0.0.0.0' }, true],
		[{ bind: '192.168.1.20' }, true],
		[{ bind: '127.0.0.1', origin: 'https://sync.lab.example' }, true]
	])('%o is shared: %s', (exposure, shared) => expect(isShared(exposure)).toBe(shared));
});
