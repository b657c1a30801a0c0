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
	`,
	`
	CREATE TABLE scopes (
		uuid TEXT PRIMARY KEY,
		name TEXT NOT NULL
	);

	CREATE TABLE sources (
		id INTEGER PRIMARY KEY,
		name TEXT NOT NULL UNIQUE,
		backend_identifier TEXT NOT NULL,
		status TEXT NOT NULL DEFAULT 'syncing'
			CHECK (status IN ('syncing', 'scanning', 'stopped', 'error')),
		config_data TEXT NOT NULL,
		default_scope TEXT REFERENCES scopes (uuid),
		autoassign_scope_mapping INTEGER NOT NULL DEFAULT 0,
		owner TEXT,
		last_update TEXT,
		created_at TEXT NOT NULL,
		-- Kept by the item triggers below, in the same transaction as every item change,
		-- so they always equal what the items table says without counting it.
		items_total INTEGER NOT NULL DEFAULT 0,
		items_synced INTEGER NOT NULL DEFAULT 0,
		items_failed INTEGER NOT NULL DEFAULT 0,
		items_unmapped INTEGER NOT NULL DEFAULT 0
	);

	CREATE TABLE items (
		id INTEGER PRIMARY KEY,
		source_id INTEGER NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
		data_identifier TEXT NOT NULL,
		-- The identifier case-folded (Unicode, not just ASCII as SQLite's LIKE): what search matches.
		search_key TEXT NOT NULL DEFAULT '',
		dataset_uuid TEXT NOT NULL,
		scope_identifier TEXT,
		priority INTEGER NOT NULL DEFAULT 0,
		synchronized INTEGER NOT NULL DEFAULT 0,
		attempts INTEGER NOT NULL DEFAULT 0,
		error TEXT,
		live INTEGER NOT NULL DEFAULT 0,
		next_attempt_at TEXT,
		last_update TEXT,
		-- What the dataset looked like at the last scan, and at the last successful sync.
		fingerprint TEXT,
		synced_fingerprint TEXT,
		-- Waiting for a scope mapping of its scope identifier.
		unmapped INTEGER NOT NULL DEFAULT 0,
		failed INTEGER GENERATED ALWAYS AS (synchronized = 0 AND error IS NOT NULL) VIRTUAL,
		UNIQUE (source_id, data_identifier)
	);
	CREATE INDEX items_queue ON items (source_id, synchronized, unmapped, priority DESC, id);

	CREATE TRIGGER items_count_insert AFTER INSERT ON items BEGIN
		UPDATE sources SET
			items_total = items_total + 1,
			items_synced = items_synced + NEW.synchronized,
			items_failed = items_failed + NEW.failed,
			items_unmapped = items_unmapped + NEW.unmapped
		WHERE id = NEW.source_id;
	END;
	CREATE TRIGGER items_count_update AFTER UPDATE OF synchronized, error, unmapped ON items BEGIN
		UPDATE sources SET
			items_synced = items_synced + NEW.synchronized - OLD.synchronized,
			items_failed = items_failed + NEW.failed - OLD.failed,
			items_unmapped = items_unmapped + NEW.unmapped - OLD.unmapped
		WHERE id = NEW.source_id;
	END;
	CREATE TRIGGER items_count_delete AFTER DELETE ON items BEGIN
		UPDATE sources SET
			items_total = items_total - 1,
			items_synced = items_synced - OLD.synchronized,
			items_failed = items_failed - OLD.failed,
			items_unmapped = items_unmapped - OLD.unmapped
		WHERE id = OLD.source_id;
	END;

	-- Kept apart from items: lists never load a record, the item page loads one.
	CREATE TABLE sync_records (
		item_id INTEGER PRIMARY KEY REFERENCES items (id) ON DELETE CASCADE,
		logs TEXT NOT NULL,
		files TEXT NOT NULL
	);

	CREATE TABLE scope_mappings (
		source_id INTEGER NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
		scope_identifier TEXT NOT NULL,
		scope_uuid TEXT NOT NULL REFERENCES scopes (uuid),
		PRIMARY KEY (source_id, scope_identifier)
	);

	-- Agent errors have no source; source errors go with their source.
	CREATE TABLE errors (
		id INTEGER PRIMARY KEY,
		source_id INTEGER REFERENCES sources (id) ON DELETE CASCADE,
		timestamp TEXT NOT NULL,
		exception TEXT NOT NULL,
		message TEXT NOT NULL,
		traceback TEXT,
		viewed INTEGER NOT NULL DEFAULT 0
	);
	CREATE INDEX errors_by_source ON errors (source_id, viewed, id);
	CREATE INDEX errors_by_viewed ON errors (viewed, id);

	-- Error reports waiting to be sent to qHarbor support; the embedded agent only keeps them.
	CREATE TABLE reports (
		id INTEGER PRIMARY KEY,
		created_at TEXT NOT NULL,
		source_id INTEGER,
		item_id INTEGER,
		message TEXT NOT NULL,
		payload TEXT NOT NULL
	);
	`,
	`
	-- Item lists at lab scale (a million items): an index per sort key, per source and across
	-- sources, so a page reads its rows in order and stops after one page; the default order
	-- (newest first) also under the synchronized filter.
	CREATE INDEX items_by_source ON items (source_id, id);
	CREATE INDEX items_by_source_synchronized ON items (source_id, synchronized, id);
	CREATE INDEX items_by_source_update ON items (source_id, COALESCE(last_update, ''), id);
	CREATE INDEX items_by_source_priority ON items (source_id, priority, id);
	CREATE INDEX items_by_synchronized ON items (synchronized, id);
	CREATE INDEX items_by_identifier ON items (data_identifier, id);
	CREATE INDEX items_by_update ON items (COALESCE(last_update, ''), id);
	CREATE INDEX items_by_priority ON items (priority, id);

	-- Substring search without scanning: the trigrams of the case-folded identifier. Case
	-- sensitive because search_key is folded already (Unicode, as LIKE would not).
	CREATE VIRTUAL TABLE items_search USING fts5 (
		search_key, content = 'items', content_rowid = 'id', tokenize = 'trigram case_sensitive 1'
	);
	CREATE TRIGGER items_search_insert AFTER INSERT ON items BEGIN
		INSERT INTO items_search (rowid, search_key) VALUES (NEW.id, NEW.search_key);
	END;
	CREATE TRIGGER items_search_update AFTER UPDATE OF search_key ON items BEGIN
		INSERT INTO items_search (items_search, rowid, search_key) VALUES ('delete', OLD.id, OLD.search_key);
		INSERT INTO items_search (rowid, search_key) VALUES (NEW.id, NEW.search_key);
	END;
	CREATE TRIGGER items_search_delete AFTER DELETE ON items BEGIN
		INSERT INTO items_search (items_search, rowid, search_key) VALUES ('delete', OLD.id, OLD.search_key);
	END;
	INSERT INTO items_search (items_search) VALUES ('rebuild');
	`,
	`
	-- How many times the item was reset: an outcome of a sync that began before a reset is
	-- not saved over it (the reset asked for a new sync).
	ALTER TABLE items ADD COLUMN resets INTEGER NOT NULL DEFAULT 0;
	`,
	`
	-- A warning names something left out (a folder it may not read); the rest went on.
	ALTER TABLE errors ADD COLUMN severity TEXT NOT NULL DEFAULT 'error'
		CHECK (severity IN ('error', 'warning'));
	`,
	`
	-- A source in error because its folder vanished looks for it again by itself: when next,
	-- and how many looks so far (the wait doubles each time).
	ALTER TABLE sources ADD COLUMN recheck_at TEXT;
	ALTER TABLE sources ADD COLUMN rechecks INTEGER NOT NULL DEFAULT 0;
	`,
	`
	-- Ids are never reused (AUTOINCREMENT): a bookmark, an audit line or a store manifest that
	-- names a deleted source, item or error never comes to name another one. SQLite changes a
	-- key only by rebuilding the table: new table, copy, drop, rename, then its indexes and
	-- triggers again (the runner turns foreign keys off around it and checks them after).
	--
	-- An item belongs to its source's root folder at scan time as well: a source pointed at
	-- another folder starts afresh there (new items, new datasets) and never rewrites the
	-- datasets of the old one. An item a complete scan did not find, or of another root, is
	-- missing: not queued, not failed, back when a scan finds it again.
	CREATE TABLE new_sources (
		id INTEGER PRIMARY KEY AUTOINCREMENT,
		name TEXT NOT NULL UNIQUE,
		backend_identifier TEXT NOT NULL,
		status TEXT NOT NULL DEFAULT 'syncing'
			CHECK (status IN ('syncing', 'scanning', 'stopped', 'error')),
		config_data TEXT NOT NULL,
		default_scope TEXT REFERENCES scopes (uuid),
		autoassign_scope_mapping INTEGER NOT NULL DEFAULT 0,
		owner TEXT,
		last_update TEXT,
		created_at TEXT NOT NULL,
		-- Kept by the item triggers below, in the same transaction as every item change.
		items_total INTEGER NOT NULL DEFAULT 0,
		items_synced INTEGER NOT NULL DEFAULT 0,
		items_failed INTEGER NOT NULL DEFAULT 0,
		items_unmapped INTEGER NOT NULL DEFAULT 0,
		items_missing INTEGER NOT NULL DEFAULT 0,
		recheck_at TEXT,
		rechecks INTEGER NOT NULL DEFAULT 0
	);
	INSERT INTO new_sources (id, name, backend_identifier, status, config_data, default_scope,
		autoassign_scope_mapping, owner, last_update, created_at, items_total, items_synced,
		items_failed, items_unmapped, recheck_at, rechecks)
	SELECT id, name, backend_identifier, status, config_data, default_scope,
		autoassign_scope_mapping, owner, last_update, created_at, items_total, items_synced,
		items_failed, items_unmapped, recheck_at, rechecks
	FROM sources;

	CREATE TABLE new_items (
		id INTEGER PRIMARY KEY AUTOINCREMENT,
		source_id INTEGER NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
		-- The source's folder (its backend's folder field) when the item was found; '' for
		-- backends without one.
		root TEXT NOT NULL DEFAULT '',
		data_identifier TEXT NOT NULL,
		search_key TEXT NOT NULL DEFAULT '',
		dataset_uuid TEXT NOT NULL,
		scope_identifier TEXT,
		priority INTEGER NOT NULL DEFAULT 0,
		synchronized INTEGER NOT NULL DEFAULT 0,
		attempts INTEGER NOT NULL DEFAULT 0,
		error TEXT,
		live INTEGER NOT NULL DEFAULT 0,
		next_attempt_at TEXT,
		last_update TEXT,
		fingerprint TEXT,
		synced_fingerprint TEXT,
		unmapped INTEGER NOT NULL DEFAULT 0,
		resets INTEGER NOT NULL DEFAULT 0,
		missing INTEGER NOT NULL DEFAULT 0,
		-- A missing item is not retried, so it is not failed either.
		failed INTEGER GENERATED ALWAYS AS (synchronized = 0 AND error IS NOT NULL AND missing = 0) VIRTUAL,
		UNIQUE (source_id, root, data_identifier)
	);
	-- Every item so far was found under its source's folder as configured now; the folder
	-- fields of the backends as they are at this version.
	INSERT INTO new_items (id, source_id, root, data_identifier, search_key, dataset_uuid,
		scope_identifier, priority, synchronized, attempts, error, live, next_attempt_at,
		last_update, fingerprint, synced_fingerprint, unmapped, resets)
	SELECT i.id, i.source_id,
		COALESCE(json_extract(s.config_data, CASE s.backend_identifier
			WHEN 'etiket_sync_agent_folderbase' THEN '$.root_directory'
			WHEN 'etiket_sync_agent_quantify' THEN '$.quantify_directory'
			WHEN 'etiket_sync_agent_labber' THEN '$.labber_directory'
		END), ''),
		i.data_identifier, i.search_key, i.dataset_uuid, i.scope_identifier, i.priority,
		i.synchronized, i.attempts, i.error, i.live, i.next_attempt_at, i.last_update,
		i.fingerprint, i.synced_fingerprint, i.unmapped, i.resets
	FROM items i JOIN sources s ON s.id = i.source_id;

	CREATE TABLE new_errors (
		id INTEGER PRIMARY KEY AUTOINCREMENT,
		source_id INTEGER REFERENCES sources (id) ON DELETE CASCADE,
		timestamp TEXT NOT NULL,
		exception TEXT NOT NULL,
		message TEXT NOT NULL,
		traceback TEXT,
		viewed INTEGER NOT NULL DEFAULT 0,
		severity TEXT NOT NULL DEFAULT 'error' CHECK (severity IN ('error', 'warning'))
	);
	INSERT INTO new_errors (id, source_id, timestamp, exception, message, traceback, viewed, severity)
	SELECT id, source_id, timestamp, exception, message, traceback, viewed, severity FROM errors;

	-- Dropping a table drops its indexes and triggers; the new ones follow the renames.
	DROP TABLE errors;
	DROP TABLE items;
	DROP TABLE sources;
	ALTER TABLE new_sources RENAME TO sources;
	ALTER TABLE new_items RENAME TO items;
	ALTER TABLE new_errors RENAME TO errors;

	CREATE INDEX errors_by_source ON errors (source_id, viewed, id);
	CREATE INDEX errors_by_viewed ON errors (viewed, id);

	CREATE INDEX items_queue ON items (source_id, synchronized, unmapped, missing, priority DESC, id);
	CREATE INDEX items_by_source ON items (source_id, id);
	CREATE INDEX items_by_source_synchronized ON items (source_id, synchronized, id);
	CREATE INDEX items_by_source_missing ON items (source_id, missing, id);
	CREATE INDEX items_by_source_update ON items (source_id, COALESCE(last_update, ''), id);
	CREATE INDEX items_by_source_priority ON items (source_id, priority, id);
	CREATE INDEX items_by_synchronized ON items (synchronized, id);
	CREATE INDEX items_by_missing ON items (missing, id);
	CREATE INDEX items_by_identifier ON items (data_identifier, id);
	CREATE INDEX items_by_update ON items (COALESCE(last_update, ''), id);
	CREATE INDEX items_by_priority ON items (priority, id);

	CREATE TRIGGER items_count_insert AFTER INSERT ON items BEGIN
		UPDATE sources SET
			items_total = items_total + 1,
			items_synced = items_synced + NEW.synchronized,
			items_failed = items_failed + NEW.failed,
			items_unmapped = items_unmapped + NEW.unmapped,
			items_missing = items_missing + NEW.missing
		WHERE id = NEW.source_id;
	END;
	CREATE TRIGGER items_count_update AFTER UPDATE OF synchronized, error, unmapped, missing ON items BEGIN
		UPDATE sources SET
			items_synced = items_synced + NEW.synchronized - OLD.synchronized,
			items_failed = items_failed + NEW.failed - OLD.failed,
			items_unmapped = items_unmapped + NEW.unmapped - OLD.unmapped,
			items_missing = items_missing + NEW.missing - OLD.missing
		WHERE id = NEW.source_id;
	END;
	CREATE TRIGGER items_count_delete AFTER DELETE ON items BEGIN
		UPDATE sources SET
			items_total = items_total - 1,
			items_synced = items_synced - OLD.synchronized,
			items_failed = items_failed - OLD.failed,
			items_unmapped = items_unmapped - OLD.unmapped,
			items_missing = items_missing - OLD.missing
		WHERE id = OLD.source_id;
	END;

	-- The search index keeps its rows: the ids (its rowids) were copied. Rebuilt all the same,
	-- so it cannot disagree with the table it indexes.
	CREATE TRIGGER items_search_insert AFTER INSERT ON items BEGIN
		INSERT INTO items_search (rowid, search_key) VALUES (NEW.id, NEW.search_key);
	END;
	CREATE TRIGGER items_search_update AFTER UPDATE OF search_key ON items BEGIN
		INSERT INTO items_search (items_search, rowid, search_key) VALUES ('delete', OLD.id, OLD.search_key);
		INSERT INTO items_search (rowid, search_key) VALUES (NEW.id, NEW.search_key);
	END;
	CREATE TRIGGER items_search_delete AFTER DELETE ON items BEGIN
		INSERT INTO items_search (items_search, rowid, search_key) VALUES ('delete', OLD.id, OLD.search_key);
	END;
	INSERT INTO items_search (items_search) VALUES ('rebuild');
	`,
	`
	-- A record's files in rows of their own, in the order the sync went through them: a page
	-- of a 150,000-file record is read by key, not by parsing its whole JSON list (~250 ms).
	CREATE TABLE sync_files (
		item_id INTEGER NOT NULL REFERENCES sync_records (item_id) ON DELETE CASCADE,
		position INTEGER NOT NULL,
		name TEXT NOT NULL,
		status TEXT NOT NULL CHECK (status IN ('OK', 'ERROR', 'SKIPPED')),
		size INTEGER,
		md5 TEXT,
		m_time TEXT,
		converter TEXT,
		error TEXT,
		PRIMARY KEY (item_id, position)
	) WITHOUT ROWID;
	CREATE INDEX sync_files_by_status ON sync_files (item_id, status, position);
	INSERT INTO sync_files
		SELECT r.item_id, f.key, f.value ->> 'name', f.value ->> 'status', f.value ->> 'size',
			f.value ->> 'md5', f.value ->> 'm_time', f.value ->> 'converter', f.value ->> 'error'
		FROM sync_records r, json_each(r.files) f;

	-- The files' summary, written with them, so an item reads it without counting its files.
	ALTER TABLE sync_records ADD COLUMN files_ok INTEGER NOT NULL DEFAULT 0;
	ALTER TABLE sync_records ADD COLUMN files_error INTEGER NOT NULL DEFAULT 0;
	ALTER TABLE sync_records ADD COLUMN files_skipped INTEGER NOT NULL DEFAULT 0;
	ALTER TABLE sync_records ADD COLUMN files_size INTEGER NOT NULL DEFAULT 0;
	UPDATE sync_records SET
		files_ok = (SELECT COUNT(*) FROM sync_files f WHERE f.item_id = sync_records.item_id AND f.status = 'OK'),
		files_error = (SELECT COUNT(*) FROM sync_files f WHERE f.item_id = sync_records.item_id AND f.status = 'ERROR'),
		files_skipped = (SELECT COUNT(*) FROM sync_files f WHERE f.item_id = sync_records.item_id AND f.status = 'SKIPPED'),
		files_size = (SELECT COALESCE(SUM(size), 0) FROM sync_files f WHERE f.item_id = sync_records.item_id AND f.status = 'OK');
	ALTER TABLE sync_records DROP COLUMN files;

	-- Records are written with at most 50 log and error entries under a task, then one entry
	-- that counts the rest (SyncRecordBuilder). Older ones had an entry per failed or skipped
	-- file: they are cut the same way.
	UPDATE sync_records SET logs = (
		WITH entry AS (
			SELECT key, value, value ->> 'kind' = 'task' AS task, value ->> 'parent_id' AS parent,
				ROW_NUMBER() OVER (PARTITION BY value ->> 'parent_id', value ->> 'kind' = 'task' ORDER BY key) AS n
			FROM json_each(sync_records.logs)
		),
		left_out AS (
			SELECT parent, COUNT(*) AS count, MAX(value ->> 'time') AS time,
				(SELECT MAX(value ->> 'id') FROM entry) + ROW_NUMBER() OVER (ORDER BY parent) AS id
			FROM entry WHERE NOT task AND n > 50 GROUP BY parent
		)
		SELECT json_group_array(json(value) ORDER BY key) FROM (
			SELECT key, value FROM entry WHERE task OR n <= 50
			UNION ALL
			SELECT id, json_object('id', id, 'parent_id', parent, 'kind', 'log', 'time', time,
				'message', count || IIF(count = 1, ' more entry', ' more entries')
					|| ' of this task left out: the files show what became of each',
				'exception', NULL, 'stack_trace', NULL, 'has_errors', json('false'))
			FROM left_out
		)
	)
	WHERE json_array_length(logs) > 50;

	-- The identifiers waiting for a mapping, in order, without reading the mapped items.
	CREATE INDEX items_unmapped ON items (source_id, scope_identifier) WHERE unmapped = 1;
	`,

	// 8: a converter's page counts the files it converted without reading every file row.
	`CREATE INDEX sync_files_by_converter ON sync_files (converter) WHERE converter IS NOT NULL;`,

	// 9: what the last sync read of the dataset (name, tags, attributes, parameters), as JSON.
	`ALTER TABLE sync_records ADD COLUMN dataset TEXT;`,

	// 10: how much of a live dataset its last sync held (0 to 1), where its backend knows; the
	// live items, which the dashboard asks for every second, without reading the others.
	`ALTER TABLE items ADD COLUMN live_fill REAL;
	CREATE INDEX items_live ON items (id) WHERE live = 1;`,

	// 11: the sync history (services/history.ts). A row per outcome, its time in ms since the
	// epoch; no foreign keys: a deleted source's or item's outcomes still count in the totals.
	// Ids are never reused, so the highest is how many were ever recorded. Cycles per minute.
	`CREATE TABLE sync_history (
		id INTEGER PRIMARY KEY AUTOINCREMENT,
		at INTEGER NOT NULL,
		source_id INTEGER NOT NULL,
		item_id INTEGER NOT NULL,
		outcome TEXT NOT NULL CHECK (outcome IN ('synced', 'failed', 'missing')),
		files INTEGER NOT NULL DEFAULT 0,
		bytes INTEGER NOT NULL DEFAULT 0,
		duration_ms INTEGER NOT NULL DEFAULT 0,
		error_type TEXT
	);
	CREATE INDEX sync_history_by_time ON sync_history (at);
	CREATE INDEX sync_history_by_source ON sync_history (source_id, at);
	-- The items that failed in a time (a click on a failure bar).
	CREATE INDEX sync_history_failures ON sync_history (at, item_id) WHERE outcome = 'failed';
	-- What was ever recorded, never pruned (Prometheus' counters): per source, outcome and
	-- duration bucket (services/history.ts, DURATION_BUCKETS_S).
	CREATE TABLE sync_totals (
		source_id INTEGER NOT NULL,
		outcome TEXT NOT NULL,
		bucket INTEGER NOT NULL,
		count INTEGER NOT NULL,
		files INTEGER NOT NULL,
		bytes INTEGER NOT NULL,
		duration_ms INTEGER NOT NULL,
		PRIMARY KEY (source_id, outcome, bucket)
	) WITHOUT ROWID;
	CREATE TABLE cycle_minutes (
		minute INTEGER PRIMARY KEY,
		cycles INTEGER NOT NULL,
		total_ms INTEGER NOT NULL,
		max_ms INTEGER NOT NULL
	) WITHOUT ROWID;`,

	// 12: failures grouped by cause (services/failure-groups.ts). A failed item's group is the
	// fingerprint of its backend, exception and message made general; the failed items per
	// group and source are counted by triggers, in the transaction of every item change, so
	// the groups are read without going through the failed items.
	`ALTER TABLE items ADD COLUMN failure_group TEXT;
	CREATE INDEX items_by_failure_group ON items (failure_group, id) WHERE failure_group IS NOT NULL;
	-- Failures without a group (from before groups; missing items): found at start-up without a scan.
	CREATE INDEX items_ungrouped ON items (id) WHERE error IS NOT NULL AND failure_group IS NULL;
	CREATE TABLE failure_groups (
		fingerprint TEXT PRIMARY KEY,
		title TEXT NOT NULL,
		exception TEXT NOT NULL,
		backend TEXT NOT NULL
	) WITHOUT ROWID;
	CREATE TABLE failure_group_counts (
		fingerprint TEXT NOT NULL,
		source_id INTEGER NOT NULL,
		count INTEGER NOT NULL,
		first_seen TEXT,
		last_seen TEXT,
		PRIMARY KEY (fingerprint, source_id)
	) WITHOUT ROWID;
	CREATE TRIGGER items_failure_group_insert AFTER INSERT ON items
	WHEN NEW.failed AND NEW.failure_group IS NOT NULL BEGIN
		INSERT INTO failure_group_counts VALUES (NEW.failure_group, NEW.source_id, 1, NEW.last_update, NEW.last_update)
		ON CONFLICT DO UPDATE SET count = count + 1, last_seen = excluded.last_seen;
	END;
	CREATE TRIGGER items_failure_group_update
	AFTER UPDATE OF synchronized, error, missing, failure_group ON items BEGIN
		UPDATE failure_group_counts SET count = count - 1
		WHERE OLD.failed AND fingerprint = OLD.failure_group AND source_id = OLD.source_id;
		INSERT INTO failure_group_counts
		SELECT NEW.failure_group, NEW.source_id, 1, NEW.last_update, NEW.last_update
		WHERE NEW.failed AND NEW.failure_group IS NOT NULL
		ON CONFLICT DO UPDATE SET count = count + 1, last_seen = excluded.last_seen;
		DELETE FROM failure_group_counts WHERE fingerprint = OLD.failure_group AND count <= 0;
	END;
	CREATE TRIGGER items_failure_group_delete AFTER DELETE ON items
	WHEN OLD.failed AND OLD.failure_group IS NOT NULL BEGIN
		UPDATE failure_group_counts SET count = count - 1
		WHERE fingerprint = OLD.failure_group AND source_id = OLD.source_id;
		DELETE FROM failure_group_counts WHERE fingerprint = OLD.failure_group AND count <= 0;
	END;`
];
