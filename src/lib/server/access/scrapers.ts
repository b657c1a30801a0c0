import { BlockList, isIP } from 'node:net';

/**
 * Who may read `/metrics`: this computer, and the scrapers `DASHBOARD_METRICS_SCRAPERS` names
 * (addresses or CIDR ranges, comma-separated: `10.0.0.7,192.168.1.0/24`). Never the other
 * people on the LAN by default: the metrics name every source.
 */
export function scraperAllowList(setting: string | undefined): (address: string) => boolean {
	const allowed = new BlockList();
	allowed.addSubnet('127.0.0.0', 8, 'ipv4');
	allowed.addAddress('::1', 'ipv6');
	for (const entry of (setting ?? '').split(',').map((part) => part.trim())) {
		if (!entry) continue;
		const [address, bits] = entry.split('/');
		const family = isIP(address ?? '') === 6 ? 'ipv6' : 'ipv4';
		if (bits === undefined) allowed.addAddress(address!, family);
		else allowed.addSubnet(address!, Number(bits), family);
	}
	return (address) => {
		// An IPv4 peer of a dual-stack socket reads as ::ffff:10.0.0.7.
		const plain = address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');
		const family = isIP(plain);
		return family !== 0 && allowed.check(plain, family === 6 ? 'ipv6' : 'ipv4');
	};
}

/** What `DASHBOARD_METRICS_SCRAPERS` must look like; a readable reason when it does not. */
export function scraperSettingProblem(setting: string): string | null {
	for (const entry of setting.split(',').map((part) => part.trim())) {
		if (!entry) continue;
		const [address, bits, extra] = entry.split('/');
		const family = isIP(address ?? '');
		const max = family === 6 ? 128 : 32;
		if (family === 0 || extra !== undefined)
			return `“${entry}” is not an IP address or a CIDR range`;
		if (bits !== undefined && !(/^\d+$/.test(bits) && Number(bits) <= max))
			return `“${entry}”: the prefix length must be 0 to ${max}`;
	}
	return null;
}
