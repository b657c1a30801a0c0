import { parse, YAMLParseError } from 'yaml';
import { z } from 'zod';

export const INFO_FILE = '_QH_dataset_info.yaml';
export const MANIFEST_FILE = '.QH_manifest.yaml';

const Scalar = z.union([z.string(), z.number(), z.boolean()]);

/** `_QH_dataset_info.yaml`: every key optional; keys this agent does not know are ignored. */
const DatasetInfo = z.object({
	version: Scalar.optional(),
	dataset_name: z.string().trim().min(1).optional(),
	creation: z
		.union([z.string(), z.date()])
		.transform((value, ctx) => {
			const time = value instanceof Date ? value.getTime() : Date.parse(value);
			if (Number.isNaN(time)) {
				ctx.addIssue({ code: 'custom', message: `"${String(value)}" is not an ISO time` });
				return z.NEVER;
			}
			return new Date(time).toISOString();
		})
		.optional(),
	description: z.string().optional(),
	attributes: z.record(z.string(), Scalar).optional(),
	keywords: z.array(Scalar.transform(String)).optional(),
	/** Glob patterns, relative to the dataset folder, of files not to upload. */
	skip: z.array(z.string().min(1)).optional(),
	/** Glob pattern → converter name: matching files are converted while syncing. */
	converters: z.record(z.string().min(1), z.string().min(1)).optional()
});

export type DatasetInfo = z.infer<typeof DatasetInfo>;

/** Parses the info file; throws an Error that says what is wrong and where. */
export function parseDatasetInfo(text: string): DatasetInfo {
	let raw: unknown;
	try {
		// Aliases can multiply a small file into gigabytes (a "billion laughs"): few are allowed.
		raw = parse(text, { maxAliasCount: 100 }) ?? {};
	} catch (error) {
		if (error instanceof YAMLParseError) {
			const where = error.linePos?.[0] ? ` at line ${error.linePos[0].line}` : '';
			throw new Error(
				`${INFO_FILE} is not valid YAML${where}: ${error.message.split('\n')[0]!.replace(/:\s*$/, '')}`
			);
		}
		// Such as too many aliases: the message says what, not which file.
		throw new Error(`${INFO_FILE} is refused: ${(error as Error).message}`, { cause: error });
	}
	if (typeof raw !== 'object' || Array.isArray(raw)) {
		throw new Error(`${INFO_FILE} must be a mapping of keys to values`);
	}
	const parsed = DatasetInfo.safeParse(raw);
	if (!parsed.success) {
		const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`);
		throw new Error(`${INFO_FILE} is invalid: ${problems.join('; ')}`);
	}
	return parsed.data;
}
