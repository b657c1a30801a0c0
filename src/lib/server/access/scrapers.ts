import { BlockList, isIP } from 'node:net';

interface Range {
	address: string;
	family: 'ipv4' | 'ipv6';
	/** The prefix length of a CIDR range; none for a single address. */
	bits?: number;
}

/**
 * The addresses and ranges of `DASHBOARD_METRICS_SCRAPERS` (comma-separated:
 * `10.0.0.7,192.168.1.0/24`); throws a readable error naming an entry that is neither.
 */
function scraperRanges(setting: string): Range[] {
	return setting
		.split(',')
		.map((part) => part.trim())
		.filter(Boolean)
		.map((entry) => {
			const [address = '', bits, extra] = entry.split('/');
			const family = isIP(address);
			if (family === 0 || extra !== undefined)
				throw new Error(`“${entry}” is not an IP address or a CIDR range`);
			const max = family === 6 ? 128 : 32;
			if (bits !== undefined && !(/^\d+$/.test(bits) && Number(bits) <= max))
				throw new Error(`“${entry}”: the prefix length must be 0 to ${max}`);
			return {
				address,
				family: family === 6 ? 'ipv6' : 'ipv4',
				...(bits === undefined ? {} : { bits: Number(bits) })
			};
		});
}

/** What is wrong with a `DASHBOARD_METRICS_SCRAPERS` value; null when nothing is. */
export function scraperSettingProblem(setting: string): string | null {
	try {
		scraperRanges(setting);
		return null;
	} catch (error) {
		return (error as Error).message;
	}
}

/**
 * Who may read `/metrics`: this computer, and the scrapers `DASHBOARD_METRICS_SCRAPERS` names.
 * Never the other people on the LAN by default: the metrics name every source.
 */
export function scraperAllowList(setting: string | undefined): (address: string) => boolean {
	const allowed = new BlockList();
	allowed.addSubnet('127.0.0.0', 8, 'ipv4');
	allowed.addAddress('::1', 'ipv6');
	for (const { address, family, bits } of scraperRanges(setting ?? '')) {
		if (bits === undefined) allowed.addAddress(address, family);
		else allowed.addSubnet(address, bits, family);
	}
	return (address) => {
		// An IPv4 peer of a dual-stack socket reads as ::ffff:10.0.0.7.
		const plain = address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');
		const family = isIP(plain);
		return family !== 0 && allowed.check(plain, family === 6 ? 'ipv6' : 'ipv4');
	};
}
