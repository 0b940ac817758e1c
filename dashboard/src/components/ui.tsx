/** The small pieces every page is built of: labelled fields, messages, buttons that show progress, tables. */
import { type ColumnDef, flexRender, getCoreRowModel, useReactTable } from '@tanstack/react-table';
import { type ReactNode, useId, useState } from 'react';
import { errorText } from '../api/client';

export function Field(props: {
  label: string;
  name: string;
  type?: string;
  defaultValue?: string | number;
  required?: boolean;
  autoComplete?: string;
  hint?: string;
  placeholder?: string;
  inputMode?: 'numeric' | 'decimal' | 'email' | 'text';
  min?: number;
  /** The API's (or the form's) message for this field, shown under it. */
  error?: string | undefined;
}): ReactNode {
  const id = useId();
  const hintId = props.hint ? `${id}-hint` : undefined;
  const errorId = props.error ? `${id}-error` : undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <input
        id={id}
        name={props.name}
        type={props.type ?? 'text'}
        defaultValue={props.defaultValue}
        required={props.required}
        autoComplete={props.autoComplete}
        placeholder={props.placeholder}
        inputMode={props.inputMode}
        min={props.min}
        aria-describedby={[hintId, errorId].filter(Boolean).join(' ') || undefined}
        aria-invalid={props.error ? true : undefined}
      />
      {props.hint && (
        <small id={hintId} className="hint">
          {props.hint}
        </small>
      )}
      {props.error && (
        <small id={errorId} className="field-error">
          {props.error}
        </small>
      )}
    </div>
  );
}

export function Select(props: { label: string; name: string; options: readonly (string | { value: string; label: string })[]; defaultValue?: string; onChange?: (v: string) => void; value?: string }): ReactNode {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <select id={id} name={props.name} defaultValue={props.value === undefined ? props.defaultValue : undefined} value={props.value} onChange={(e) => props.onChange?.(e.target.value)}>
        {props.options.map((o) => {
          const v = typeof o === 'string' ? o : o.value;
          return (
            <option key={v} value={v}>
              {typeof o === 'string' ? o || 'any' : o.label}
            </option>
          );
        })}
      </select>
    </div>
  );
}

/** One choice of a few, as radio buttons in a fieldset. */
export function Choice(props: { legend: string; name: string; options: readonly { value: string; label: string }[]; value: string; onChange: (v: string) => void }): ReactNode {
  const id = useId();
  return (
    <fieldset className="choice">
      <legend>{props.legend}</legend>
      {props.options.map((o) => (
        <div key={o.value} className="check">
          <input id={`${id}-${o.value}`} type="radio" name={props.name} value={o.value} checked={props.value === o.value} onChange={() => props.onChange(o.value)} />
          <label htmlFor={`${id}-${o.value}`}>{o.label}</label>
        </div>
      ))}
    </fieldset>
  );
}

export function Check(props: { label: string; name: string; defaultChecked?: boolean; value?: string }): ReactNode {
  const id = useId();
  return (
    <div className="check">
      <input id={id} type="checkbox" name={props.name} value={props.value ?? 'on'} defaultChecked={props.defaultChecked} />
      <label htmlFor={id}>{props.label}</label>
    </div>
  );
}

/** An error as a person can act on it; announced to screen readers. */
export function ErrorBox({ error }: { error: unknown }): ReactNode {
  if (!error) return null;
  return (
    <p className="msg msg-error" role="alert">
      {errorText(error)}
    </p>
  );
}

export function Notice({ children, tone = 'info' }: { children: ReactNode; tone?: 'info' | 'ok' | 'warn' }): ReactNode {
  return (
    <p className={`msg msg-${tone}`} role="status">
      {children}
    </p>
  );
}

/** A submit button that says it is working while its action runs. */
export function Busy({ busy, children, kind = 'primary', type = 'submit', onClick }: { busy: boolean; children: ReactNode; kind?: 'primary' | 'secondary' | 'danger'; type?: 'submit' | 'button'; onClick?: () => void }): ReactNode {
  return (
    <button type={type} className={`btn btn-${kind}`} disabled={busy} aria-busy={busy} onClick={onClick}>
      {busy ? <span className="spinner" aria-hidden="true" /> : null}
      {children}
      {busy ? <span className="sr-only"> (working…)</span> : null}
    </button>
  );
}

export function Loading({ what }: { what: string }): ReactNode {
  return (
    <p className="loading" role="status">
      <span className="spinner" aria-hidden="true" /> Loading {what}…
    </p>
  );
}

export function Pairs({ rows }: { rows: [string, ReactNode][] }): ReactNode {
  return (
    <dl className="pairs">
      {rows.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{v ?? '—'}</dd>
        </div>
      ))}
    </dl>
  );
}

/** A table of rows (TanStack Table): scrolls sideways inside its own box on a narrow screen. */
export function DataTable<T>({ columns, data, caption, empty }: { columns: ColumnDef<T, any>[]; data: T[]; caption: string; empty: string }): ReactNode {
  const table = useReactTable({ columns, data, getCoreRowModel: getCoreRowModel() });
  if (data.length === 0) return <p className="empty">{empty}</p>;
  return (
    <div className="table-wrap" role="region" aria-label={caption} tabIndex={0}>
      <table>
        <caption className="sr-only">{caption}</caption>
        <thead>
          {table.getHeaderGroups().map((g) => (
            <tr key={g.id}>
              {g.headers.map((h) => (
                <th key={h.id} scope="col">
                  {flexRender(h.column.columnDef.header, h.getContext())}
                </th>
              ))}
            </tr>
          ))}
        </thead>
        <tbody>
          {table.getRowModel().rows.map((r) => (
            <tr key={r.id}>
              {r.getVisibleCells().map((c) => (
                <td key={c.id}>{flexRender(c.column.columnDef.cell, c.getContext())}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Form values as strings; checkboxes as booleans by name. */
export function formValues(form: HTMLFormElement): Record<string, string> {
  const out: Record<string, string> = {};
  new FormData(form).forEach((v, k) => {
    if (typeof v === 'string') out[k] = v;
  });
  return out;
}

/** Cursor paging: the cursors of the pages read so far; `cursor` is the current page's (none for the first). */
export function useCursors(): { cursor: string | undefined; reset: () => void; pager: (label: string, nextCursor: string | null | undefined) => ReactNode } {
  const [cursors, setCursors] = useState<string[]>([]);
  return {
    cursor: cursors.at(-1),
    reset: () => setCursors([]),
    pager: (label, nextCursor) => (
      <nav className="pager" aria-label={label}>
        <button type="button" className="btn btn-secondary" disabled={cursors.length === 0} onClick={() => setCursors(cursors.slice(0, -1))}>Newer</button>
        <button type="button" className="btn btn-secondary" disabled={!nextCursor} onClick={() => nextCursor && setCursors([...cursors, nextCursor])}>Older</button>
      </nav>
    ),
  };
}
