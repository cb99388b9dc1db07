import { Fragment, type ReactNode } from 'react';

export interface Column<T> {
  key: string;
  header: ReactNode;
  render: (row: T) => ReactNode;
  className?: string;
  title?: string;
}

/** The console's table: dense, sticky header, optional full-width detail row under a row. */
export function DataTable<T>(props: {
  columns: Column<T>[];
  rows: T[];
  rowKey: (row: T) => string;
  empty?: ReactNode;
  rowClassName?: (row: T) => string | undefined;
  detail?: (row: T) => ReactNode | null;
  testId?: string;
}) {
  const { columns, rows, rowKey, empty, rowClassName, detail, testId } = props;
  return (
    <div className="table-wrap">
      <table className="table" data-testid={testId}>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.key} className={c.className} title={c.title}>
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 && (
            <tr>
              <td className="table-empty" colSpan={columns.length}>
                {empty ?? 'Nothing to show.'}
              </td>
            </tr>
          )}
          {rows.map((row) => {
            const key = rowKey(row);
            const extra = detail?.(row);
            return (
              <Fragment key={key}>
                <tr className={rowClassName?.(row)} data-row={key}>
                  {columns.map((c) => (
                    <td key={c.key} className={c.className}>
                      {c.render(row)}
                    </td>
                  ))}
                </tr>
                {extra && (
                  <tr className="table-detail">
                    <td colSpan={columns.length}>{extra}</td>
                  </tr>
                )}
              </Fragment>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
