import type { LogRecord } from '$lib/contract';
import { openWhileVisible } from '$lib/visible-event-source';

type State = 'connecting' | 'live' | 'reconnecting' | 'unreachable' | 'closed';

/**
 * The page's one event stream: records with their resume ids, gaps, and the connection state
 * as the dashboard reports it. Closed while the tab is hidden for long; it resumes from the
 * last record it had.
 */
export default class LogStream {
	state = $state<State>('connecting');
	supported = $state(false);
	#url = '';
	#last = '';
	#stop: (() => void) | null = null;
	readonly #handlers: { onRecord(id: string, record: LogRecord): void; onGap(): void };

	constructor(handlers: { onRecord(id: string, record: LogRecord): void; onGap(): void }) {
		this.#handlers = handlers;
	}

	open(url: string, after: string) {
		this.supported = true;
		this.#url = url;
		this.#last = after;
		this.#stop = openWhileVisible(
			() => this.#connect(),
			() => (this.state = 'closed')
		);
	}

	close() {
		this.#stop?.();
		this.#stop = null;
	}

	#connect(): EventSource {
		const source = new EventSource(`${this.#url}?after=${encodeURIComponent(this.#last)}`);
		this.state = 'connecting';
		source.onopen = () => (this.state = 'live');
		source.onerror = () => (this.state = 'reconnecting');
		source.onmessage = (event) => {
			this.#last = event.lastEventId;
			this.#handlers.onRecord(event.lastEventId, JSON.parse(event.data) as LogRecord);
		};
		source.addEventListener('gap', () => this.#handlers.onGap());
		source.addEventListener('state', (event) => (this.state = JSON.parse(event.data)));
		return source;
	}
}
