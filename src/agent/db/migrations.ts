/** Schema versions in order; `PRAGMA user_version` says how many have run. Append only. */
export const migrations: string[] = [
	`
	CREATE TABLE agent_state (
		id INTEGER PRIMARY KEY CHECK (id = 1),
		-- What the last start/stop asked for; the API restores it when it boots.
		desired TEXT NOT NULL DEFAULT 'running' CHECK (desired IN ('running', 'stopped')),
		iterations INTEGER NOT NULL DEFAULT 0,
		last_update TEXT,
		-- 0 while the agent cannot reach its upload target.
		connection_ok INTEGER NOT NULL DEFAULT 1
	);
	INSERT INTO agent_state (id) VALUES (1);
	`
];
