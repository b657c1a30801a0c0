/**
 * quantify-core's TUID, `YYYYMMDD-HHMMSS-fff-xxxxxx`: when a measurement started (the lab PC's
 * local time) and six hexadecimal characters. A dataset folder is `YYYYMMDD/<TUID><name>` with
 * the TUID's date as its day folder, as quantify-core's `locate_experiment_container` finds it
 * (by the TUID prefix alone: the name may follow a dash, a space or an underscore).
 */

const TUID_LENGTH = 26;
/** What looks meant as a TUID: a name starting so is a dataset folder or a mistake, never data. */
const TUID_LIKE = /^\d{8}-\d{6}-\d{3}-/;
const TUID = /^(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})-(\d{3})-[0-9a-fA-F]{6}/;

export type DatasetFolderName =
	| { tuid: string; name: string }
	/** A TUID-like name that quantify-core would not take, and why (naming the folder is the caller's). */
	| { invalid: string }
	/** Not a dataset folder at all (notes, a backup, …). */
	| null;

/** The local time of a TUID's fields (the match of `TUID`), or why they are not a time. */
function tuidDate(match: RegExpExecArray): Date | string {
	const field = (index: number) => Number(match[index]);
	const [year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0] = [1, 2, 3, 4, 5, 6].map(
		field
	);
	if (year < 1) return `year ${match[1]} is not a year`;
	if (month < 1 || month > 12) return `month ${match[2]} is not a month`;
	if (hour > 23) return `hour ${match[4]} is not an hour`;
	if (minute > 59) return `minute ${match[5]} is not a minute`;
	if (second > 59) return `second ${match[6]} is not a second`;
	const time = new Date(2000, 0, 1);
	// `setFullYear`, not the constructor: that one reads years 0–99 as 1900–1999.
	time.setFullYear(year, month - 1, day);
	time.setHours(hour, minute, second, field(7));
	if (time.getDate() !== day) return `${match[1]}-${match[2]}-${match[3]} is not a date`;
	return time;
}

/** What the folder `folder` in the day folder `day` is to Quantify. */
export function datasetFolderName(day: string, folder: string): DatasetFolderName {
	if (!TUID_LIKE.test(folder)) return null;
	const tuid = folder.slice(0, TUID_LENGTH);
	const match = TUID.exec(folder);
	if (!match) return { invalid: `${tuid} does not end in six hexadecimal characters` };
	const time = tuidDate(match);
	if (typeof time === 'string') return { invalid: time };
	if (folder.slice(0, 8) !== day)
		return { invalid: `its TUID's date is ${folder.slice(0, 8)}, not its day folder's` };
	const rest = folder.slice(TUID_LENGTH);
	return { tuid, name: /^[-_ ]/.test(rest) ? rest.slice(1) : rest };
}

/** When the measurement of a valid TUID started, as an ISO time (read in local time). */
export function tuidTime(tuid: string): string {
	const match = TUID.exec(tuid);
	const time = match && tuidDate(match);
	if (!(time instanceof Date)) throw new Error(`Not a TUID: ${tuid}`);
	return time.toISOString();
}
