import { parse, YAMLParseError } from 'yaml';
import { z } from 'zod';

export const INFO_FILE = '_QH_dataset_info.yaml';

/** A converter a dataset asks for: the key `<input>_to_<output>_converter` names the pair. */
export interface WantedConverter {
	/** `<input>_to_<output>`, e.g. `txt_to_hdf5`. */
	name: string;
	input: string;
	output: string;
	/** The user's Python converter the writer recorded (module and class), for the record. */
	python: string | null;
}

/** What `_QH_dataset_info.yaml` says, read leniently where the meaning is clear. */
export interface DatasetInfo {
	version: string | null;
	name: string | null;
	/** ISO time, from `creation` (the writer's key), else `collected` or `created`. */
	collected: string | null;
	description: string | null;
	attributes: Record<string, string | number | boolean>;
	/** `keywords` and `tags`, merged. */
	keywords: string[];
	skip: string[];
	converters: WantedConverter[];
	/** What the record should say about the file: keys this agent does not know, a missing version. */
	notes: string[];
}

const CONVERTER_KEY = /^([A-Za-z0-9]+)_to_([A-Za-z0-9]+)_converter$/;
const CONVERTER_SHAPE = 'expected <input>_to_<output>_converter: {module: …, class: …}';

/** YAML leaves an empty value (`description:`) as null: the same as an absent key. */
const absent = <T extends z.ZodType>(schema: T) => schema.nullish();
const Scalar = z.union([z.string(), z.number(), z.boolean()], {
	error: 'expected text, a number or true/false'
});
/** One string or a list of them (numbers read as text), e.g. `keywords: T1`. */
const Words = z
	.union([Scalar, z.array(Scalar)], { error: 'expected a list of words' })
	.transform((value) => (Array.isArray(value) ? value : [value]).map(String));
const Time = z
	.union([z.string(), z.date()], { error: 'expected a time such as 2025-08-31T14:14:33' })
	.transform((value, ctx) => {
		// A time without an offset is the lab PC's local time, as the writer meant it.
		const time = value instanceof Date ? value.getTime() : Date.parse(value);
		if (Number.isNaN(time)) {
			ctx.addIssue({
				code: 'custom',
				message: `expected a time such as 2025-08-31T14:14:33, got "${String(value)}"`
			});
			return z.NEVER;
		}
		return new Date(time).toISOString();
	});

const KNOWN = {
	version: absent(Scalar),
	dataset_name: absent(
		z.union([z.string().trim().min(1), z.number()], { error: 'expected a name' })
	),
	creation: absent(Time),
	collected: absent(Time),
	created: absent(Time),
	description: absent(z.string({ error: 'expected text' })),
	attributes: absent(
		z.record(z.string(), Scalar, {
			error: 'expected a mapping of names to text, numbers or true/false'
		})
	),
	keywords: absent(Words),
	tags: absent(Words),
	skip: absent(Words),
	converters: absent(
		z.record(
			z.string().regex(CONVERTER_KEY, CONVERTER_SHAPE),
			absent(
				z.object(
					{
						module: absent(z.string({ error: 'expected a Python module name' })),
						class: absent(z.string({ error: 'expected a Python class name' }))
					},
					{ error: 'expected {module: …, class: …}' }
				)
			),
			{ error: CONVERTER_SHAPE }
		)
	)
};
const Info = z.object(KNOWN);

/**
 * Parses the info file; throws an Error that names the file (`where`), the field path and what
 * was expected.
 */
export function parseDatasetInfo(text: string, where: string): DatasetInfo {
	let raw: unknown;
	try {
		// Aliases can multiply a small file into gigabytes (a "billion laughs"): few are allowed.
		raw = parse(text, { maxAliasCount: 100 }) ?? {};
	} catch (error) {
		if (error instanceof YAMLParseError) {
			const at = error.linePos?.[0] ? ` at line ${error.linePos[0].line}` : '';
			throw new Error(
				`${where} is not valid YAML${at}: ${error.message.split('\n')[0]!.replace(/:\s*$/, '')}`
			);
		}
		// Such as too many aliases: the message says what, not which file.
		throw new Error(`${where} is refused: ${(error as Error).message}`, { cause: error });
	}
	if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
		throw new Error(`${where} must be a mapping of keys to values`);
	}
	const parsed = Info.safeParse(raw);
	if (!parsed.success) {
		const problems = parsed.error.issues.map(
			(issue) => `${issue.path.join('.') || '(top)'}: ${issue.message}`
		);
		throw new Error(`${where} is invalid: ${problems.join('; ')}`);
	}
	const info = parsed.data;
	const notes: string[] = [];
	if (info.version == null) notes.push(`${where} has no version (its writer always gives one)`);
	for (const [key, value] of Object.entries(raw)) {
		if (!(key in KNOWN))
			notes.push(`${where}: unknown key "${key}" kept as a note: ${brief(value)}`);
	}
	return {
		version: info.version == null ? null : String(info.version),
		name: info.dataset_name == null ? null : String(info.dataset_name),
		collected: info.creation ?? info.collected ?? info.created ?? null,
		description: info.description ?? null,
		attributes: info.attributes ?? {},
		keywords: [...new Set([...(info.keywords ?? []), ...(info.tags ?? [])])],
		skip: info.skip ?? [],
		converters: Object.entries(info.converters ?? {}).map(([key, python]) => {
			const [, input, output] = CONVERTER_KEY.exec(key)!;
			return {
				name: `${input!.toLowerCase()}_to_${output!.toLowerCase()}`,
				input: input!.toLowerCase(),
				output: output!.toLowerCase(),
				python: python?.module ? [python.module, python.class].filter(Boolean).join('.') : null
			};
		}),
		notes
	};
}

/** A value as one short line of JSON. */
function brief(value: unknown): string {
	const json = JSON.stringify(value) ?? String(value);
	return json.length > 200 ? `${json.slice(0, 199)}…` : json;
}
