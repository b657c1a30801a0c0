/** Log positions are `<generation>:<offset>`; later positions compare greater. */
export function comparePositions(a: string, b: string): number {
	const [ga = 0, oa = 0] = a.split(':').map(Number);
	const [gb = 0, ob = 0] = b.split(':').map(Number);
	return ga - gb || oa - ob;
}
