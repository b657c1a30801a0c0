import { describe, expect, it } from 'vitest';
import { datasetFolderName, tuidTime } from './tuid';

describe('Quantify dataset folder names', () => {
	it('take a valid TUID and the name after its separator', () => {
		expect(datasetFolderName('20210331', '20210331-133734-718-aa9c83 AllXY q0')).toEqual({
			tuid: '20210331-133734-718-aa9c83',
			name: 'AllXY q0'
		});
		expect(datasetFolderName('20210331', '20210331-133734-718-AA9C83-x')).toMatchObject({
			name: 'x'
		});
		expect(datasetFolderName('20210331', 'notes')).toBeNull();
		expect(datasetFolderName('20210331', '20210331_backup')).toBeNull();
	});

	it('refuse impossible dates and times, saying why', () => {
		const why = (day: string, folder: string) =>
			(datasetFolderName(day, folder) as { invalid: string }).invalid;
		expect(why('99999999', '99999999-999999-999-abcdef-x')).toBe('month 99 is not a month');
		expect(why('00000101', '00000101-120000-000-abcdef-x')).toBe('year 0000 is not a year');
		// A leap day is a date.
		expect(datasetFolderName('20240229', '20240229-120000-000-abcdef-x')).toMatchObject({
			name: 'x'
		});
		expect(why('20230229', '20230229-120000-000-abcdef-x')).toBe('2023-02-29 is not a date');
		expect(why('20210331', '20210331-126000-000-abcdef-x')).toBe('minute 60 is not a minute');
		expect(why('20210331', '20210331-120000-000-abcde-xy')).toMatch(/six hexadecimal/);
	});

	it('read early years as themselves, not as 19xx', () => {
		expect(new Date(tuidTime('00990101-000000-000-abcdef')).getFullYear()).toBe(99);
		expect(new Date(tuidTime('20210331-133734-718-aa9c83')).getTime()).toBe(
			new Date(2021, 2, 31, 13, 37, 34, 718).getTime()
		);
		expect(() => tuidTime('20211331-000000-000-abcdef')).toThrow(/Not a TUID/);
	});
});
