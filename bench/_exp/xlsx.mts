import ExcelJS from 'exceljs';
const reader = new ExcelJS.stream.xlsx.WorkbookReader('/work/shared/bench/dr3/010/yahoo_data.xlsx', { sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', worksheets: 'emit', entries: 'emit' });
for await (const ws of reader) {
  let n = 0;
  for await (const row of ws as any) { if (n < 4 || n > 1255) console.log((ws as any).name, row.number, JSON.stringify(row.values), (row.values as any[]).map((v) => typeof v + (v instanceof Date ? ':date' : ''))); n++; }
  console.log('rows', n);
}
