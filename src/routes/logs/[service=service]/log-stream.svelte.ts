import type { LogRecord } from '$lib/contract';

type State = 'connecting' | 'live' | 'reconnecting' | 'unreachable' | 'closed';

/** Closed after this long hidden; reopened, from where it left, when the tab shows again. */
const HIDDEN_CLOSE_MS = 60_000;

/**
 * The page's one event stream: records with their resume ids, gaps, and the connection state
 * as the dashboard reports it. Closes while the tab is hidden for long.
 */
export default class LogStream {
	state = $state<State>('connecting');
	supported = $state(false);
	#source: EventSource | null = null;
	#url = '';
	#last = '';
	#hiddenTimer: ReturnType<typeof setTimeout> | undefined;
	readonly #handlers: { onRecord(id: string, record: LogRecord): void; onGap(): void };

	constructor(handlers: { onRecord(id: string, record: LogRecord): void; onGap(): void }) {
		this.#handlers = handlers;
	}

	open(url: string, after: string) {
		this.supported = true;
		this.#url = url;
		this.#last = after;
		this.#connect();
		document.addEventListener('visibilitychange', this.#onVisibility);
	}

	close() {
		document.removeEventListener('visibilitychange', this.#onVisibility);
		clearTimeout(this.#hiddenTimer);
		this.#disconnect();
	}

	#connect() {
		const source = new EventSource(`${this.#url}?after=${encodeURIComponent(this.#last)}`);
		this.#source = source;
		this.state = 'connecting';
		source.onopen = () => (this.state = 'live');
		source.onerror = () => (this.state = 'reconnecting');
		source.onmessage = (event) => {
			this.#last = event.lastEventId;
			this.#handlers.onRecord(event.lastEventId, JSON.parse(event.data) as LogRecord);
		};
		source.addEventListener('gap', () => this.#handlers.onGap());
		source.addEventListener(
			'state',
			(event) => (this.state = JSON.parse((event as MessageEvent).data))
		);
	}

	#disconnect() {
		this.#source?.close();
		this.#source = null;
	}

	#onVisibility = () => {
		clearTimeout(this.#hiddenTimer);
		if (document.visibilityState === 'hidden') {
			this.#hiddenTimer = setTimeout(() => {
				this.#disconnect();
				this.state = 'closed';
			}, HIDDEN_CLOSE_MS);
		} else if (!this.#source) {
			this.#connect();
		}
	};
}
