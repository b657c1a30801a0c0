import type { LogRecord, LogService } from '$lib/contract';
import { comparePositions } from '$lib/log-position';
import type { SyncApiClient } from '../client';

/**
 * A log record as the stream sends it: `id` is where the log continues after this record, so
 * a reconnect with `Last-Event-ID` resumes right after it.
 */
export interface LogEvent {
	id: string;
	record: LogRecord;
}

export type ConnectionState = 'live' | 'reconnecting' | 'unreachable';

export interface LogSubscriber {
	records(events: LogEvent[]): void;
	/** Records between the last one sent and the next were rotated away. */
	gap(): void;
	state(state: ConnectionState): void;
}

const POLL_SECONDS = 15;
const RETRY_MS = [500, 1000, 2000, 5000];

/** Pairs each record with the position after it: the next record's start, or `next`. */
export function toEvents(records: LogRecord[], next: string): LogEvent[] {
	return records.map((record, i) => ({ id: records[i + 1]?.id ?? next, record }));
}

/**
 * One follower of a service's log per dashboard process, shared by every browser watching:
 * it long-polls the sync API's follow endpoint while anyone listens, and stops after the
 * last one leaves.
 */
export class LogHub {
	readonly #subscribers = new Set<LogSubscriber>();
	/** Where the hub has read up to, once known. */
	#position: string | null = null;
	#abort: AbortController | null = null;
	#state: ConnectionState = 'live';

	constructor(
		readonly service: LogService,
		readonly client: () => SyncApiClient
	) {}

	get running(): boolean {
		return this.#abort !== null;
	}

	/**
	 * Adds a subscriber. With `after`, it first gets every record after that position that the
	 * hub's live feed will not bring (read from the sync API), with a gap if some are gone.
	 */
	async subscribe(subscriber: LogSubscriber, after: string | null): Promise<() => void> {
		let last = after;
		const behind =
			after !== null && this.#position !== null && comparePositions(after, this.#position) < 0;
		let catchingUp = behind;
		const held: LogEvent[] = [];
		// Positions only grow, so "already sent" is a comparison: no duplicates, whatever overlaps.
		const fresh = (events: LogEvent[]) =>
			events.filter((event) => last === null || comparePositions(event.id, last) > 0);
		const wrapped: LogSubscriber = {
			records: (events) => {
				if (catchingUp) return void held.push(...events);
				const send = fresh(events);
				if (send.length) {
					last = send.at(-1)!.id;
					subscriber.records(send);
				}
			},
			gap: () => subscriber.gap(),
			state: (state) => subscriber.state(state)
		};
		this.#subscribers.add(wrapped);
		if (!this.running) this.#start(after);
		else if (behind) {
			try {
				last = await this.#catchUp(after!, subscriber);
			} finally {
				catchingUp = false;
				wrapped.records(held.splice(0));
			}
		}
		subscriber.state(this.#state);
		return () => {
			this.#subscribers.delete(wrapped);
			if (this.#subscribers.size === 0) this.#stop();
		};
	}

	/** Reads from the sync API from `after` up to the hub's position; returns where it ended. */
	async #catchUp(after: string, subscriber: LogSubscriber): Promise<string> {
		let position = after;
		while (this.#position && comparePositions(position, this.#position) < 0) {
			const page = await this.client().followLog({
				service: this.service,
				after: position,
				wait: 0
			});
			if (page.gap) subscriber.gap();
			const events = toEvents(page.records, page.next);
			if (events.length) subscriber.records(events);
			if (page.next === position) break;
			position = page.next;
		}
		return position;
	}

	#start(after: string | null) {
		const abort = new AbortController();
		this.#abort = abort;
		this.#position = after;
		void this.#run(after, abort.signal);
	}

	#stop() {
		this.#abort?.abort();
		this.#abort = null;
		this.#position = null;
	}

	#broadcast(deliver: (subscriber: LogSubscriber) => void) {
		for (const subscriber of this.#subscribers) deliver(subscriber);
	}

	#setState(state: ConnectionState) {
		if (state === this.#state) return;
		this.#state = state;
		this.#broadcast((s) => s.state(state));
	}

	async #run(after: string | null, signal: AbortSignal) {
		let failures = 0;
		let position = after;
		while (!signal.aborted) {
			try {
				if (position === null) {
					position = (await this.client().tailLog({ service: this.service, n: 0 })).next;
				}
				const page = await this.client().followLog({
					service: this.service,
					after: position,
					wait: POLL_SECONDS,
					signal
				});
				if (signal.aborted) return;
				failures = 0;
				this.#setState('live');
				if (page.gap) this.#broadcast((s) => s.gap());
				const events = toEvents(page.records, page.next);
				position = page.next;
				this.#position = position;
				if (events.length) this.#broadcast((s) => s.records(events));
			} catch (error) {
				if (signal.aborted) return;
				const unreachable = (error as { failure?: string }).failure === 'unreachable';
				this.#setState(unreachable ? 'unreachable' : 'reconnecting');
				await new Promise((resolve) =>
					setTimeout(resolve, RETRY_MS[Math.min(failures++, RETRY_MS.length - 1)])
				);
			}
		}
	}
}
