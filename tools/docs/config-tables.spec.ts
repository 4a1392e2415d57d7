import { readFileSync } from 'fs';
import { join } from 'path';
import { BEGIN, DOCUMENTS, END, renderTable, withTable } from './config-tables';

describe('generated configuration tables', () => {
  const table = renderTable();

  it.each(DOCUMENTS)('%s holds the table generated from the declarations (npm run docs:config)', (file) => {
    const document = readFileSync(join(__dirname, '../..', file), 'utf8');
    expect(withTable(document, table, file)).toBe(document);
  });

  it('lists every variable once, with the processes that read it', () => {
    const names = [...table.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(expect.arrayContaining(['PORT', 'HALLMARK_GRANT_KEY', 'HALLMARK_DATA_DIR', 'LOG_LEVEL']));
    expect(table).toMatch(/^\| `HALLMARK_MASTER_KEY` \| offer-service, hallmark \|/m);
    expect(table).toMatch(/^\| `HALLMARK_GRANT_KEY` \| offer-service, authorization-server, hallmark \|/m);
  });

  it('replaces only what lies between the markers', () => {
    expect(withTable(`a\n${BEGIN}\nold\n${END}\nb`, 'new')).toBe(`a\n${BEGIN}\nnew\n${END}\nb`);
    expect(() => withTable('no markers', 'new', 'X.md')).toThrow('X.md has no config-table markers');
  });
});
