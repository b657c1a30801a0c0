/**
 * Runs `task` over `inputs` with at most `limit` at a time, keeping the order of results. Once
 * a task fails no other starts, and the failure is thrown when the tasks under way have ended.
 */
export async function mapLimit<T, R>(
	inputs: T[],
	limit: number,
	task: (input: T) => Promise<R>
): Promise<R[]> {
	const results: R[] = new Array(inputs.length);
	let next = 0;
	let failed = false;
	async function worker() {
		while (!failed && next < inputs.length) {
			const index = next++;
			try {
				results[index] = await task(inputs[index]!);
			} catch (error) {
				failed = true;
				throw error;
			}
		}
	}
	const workers = Array.from({ length: Math.min(limit, inputs.length) }, worker);
	const failure = (await Promise.allSettled(workers)).find(
		(outcome) => outcome.status === 'rejected'
	);
	if (failure) throw failure.reason;
	return results;
}
