import type { SubmitFunction } from '@sveltejs/kit';

/**
 * Which of a component's forms waits for its answer, for busy labels and disabled buttons:
 * `use:enhance={pending.track('install')}`. Without JavaScript nothing is tracked.
 */
export class PendingSubmit<Name extends string = string> {
	/** The form being submitted, until its answer is applied; null otherwise. */
	current = $state<Name | null>(null);

	track(name: Name): SubmitFunction {
		return () => {
			this.current = name;
			return async ({ update }) => {
				await update();
				this.current = null;
			};
		};
	}
}
