//! A table written row by row to a temporary file, as XLSX or CSV: what every export shares.
//!
//! XLSX: typed cells (numbers as numbers, times as Excel dates), a bold filled header that
//! stays in view, set widths and a filter on every column; written in rust_xlsxwriter's
//! constant-memory mode, so each row goes to disk as it is written. CSV: RFC 4180, UTF-8 with
//! a byte-order mark so Excel reads the accents right. Times are written on the wall clock of the
//! zone the export is for (its owner's), and the header of each time column names that zone.

use super::kind::TempFile;
use crate::dates::Zone;
use crate::error::{AppError, AppResult};
use crate::jobs::types::ExportFormat;
use rust_xlsxwriter::{Color, ExcelDateTime, Format, FormatBorder, Workbook, XlsxError};
use std::io::{BufWriter, Write};
use std::sync::Arc;

/// What a column holds, which decides its cell type and format.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ColumnKind {
    Number,
    Text,
    /// A day (the time of day is dropped).
    Date,
    /// A moment, to the minute.
    DateTime,
}

#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub title: &'static str,
    pub kind: ColumnKind,
    /// In characters, as Excel measures column widths.
    pub width: f64,
}

/// One cell of a row, in its column's kind.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Number(i64),
    Text(String),
    /// Unix milliseconds (UTC).
    Time(i64),
    Empty,
}

impl Cell {
    pub fn time(ms: Option<i64>) -> Self {
        ms.map_or(Cell::Empty, Cell::Time)
    }
}

pub struct TableWriter {
    out: Out,
    columns: &'static [Column],
    /// Rows written so far, the header included.
    rows: u32,
    file: TempFile,
    zone: Arc<Zone>,
}

enum Out {
    Xlsx(Box<Xlsx>),
    Csv(BufWriter<std::fs::File>),
}

struct Xlsx {
    workbook: Workbook,
    date: Format,
    date_time: Format,
}

fn xlsx_error(e: XlsxError) -> AppError {
    tracing::error!(error = %e, "writing a spreadsheet failed");
    AppError::Internal
}

fn io_error(e: std::io::Error) -> AppError {
    tracing::error!(error = %e, "writing an export file failed");
    AppError::Internal
}

/// Excel's last row; an export longer than this is refused rather than cut short.
pub const MAX_ROWS: u32 = 1_048_575;

/// The refusal of an export longer than a sheet holds, before any row is written.
pub fn too_many_rows() -> AppError {
    AppError::invalid(format!(
        "This is more than the {MAX_ROWS} rows a spreadsheet holds. Please narrow the filters."
    ))
}

impl TableWriter {
    /// Starts the file with its header row; times are written in `zone`.
    pub fn create(
        format: ExportFormat,
        sheet: &str,
        columns: &'static [Column],
        zone: Arc<Zone>,
    ) -> AppResult<Self> {
        let file = TempFile::new("export");
        // "Deadline (Europe/Berlin)": whoever opens the file knows which clock it is.
        let titles: Vec<String> = columns
            .iter()
            .map(|c| match c.kind {
                ColumnKind::Date | ColumnKind::DateTime => format!("{} ({})", c.title, zone.name),
                ColumnKind::Number | ColumnKind::Text => c.title.to_owned(),
            })
            .collect();
        let out = match format {
            ExportFormat::Xlsx => {
                let mut workbook = Workbook::new();
                workbook
                    .set_tempdir(std::env::temp_dir())
                    .map_err(xlsx_error)?;
                let header = Format::new()
                    .set_bold()
                    .set_font_color(Color::White)
                    .set_background_color(Color::RGB(0x3B5BDB))
                    .set_border_bottom(FormatBorder::Thin);
                let sheet_ref = workbook
                    .add_worksheet_with_constant_memory()
                    .map_err(xlsx_error)?;
                sheet_ref.set_name(sheet).map_err(xlsx_error)?;
                sheet_ref.set_freeze_panes(1, 0).map_err(xlsx_error)?;
                for (i, (column, title)) in columns.iter().zip(&titles).enumerate() {
                    let col = i as u16;
                    sheet_ref
                        .set_column_width(col, column.width)
                        .map_err(xlsx_error)?;
                    sheet_ref
                        .write_string_with_format(0, col, title, &header)
                        .map_err(xlsx_error)?;
                }
                Out::Xlsx(Box::new(Xlsx {
                    workbook,
                    date: Format::new().set_num_format("yyyy-mm-dd"),
                    date_time: Format::new().set_num_format("yyyy-mm-dd hh:mm"),
                }))
            }
            ExportFormat::Csv => {
                let mut out = BufWriter::new(std::fs::File::create(file.path()).map_err(io_error)?);
                out.write_all("\u{feff}".as_bytes()).map_err(io_error)?;
                write_csv_line(&mut out, titles.iter().map(String::as_str))?;
                Out::Csv(out)
            }
        };
        Ok(Self {
            out,
            columns,
            rows: 1,
            file,
            zone,
        })
    }

    /// Data rows written so far.
    pub fn len(&self) -> u32 {
        self.rows - 1
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Appends a row; `cells` follow the columns.
    pub fn row(&mut self, cells: &[Cell]) -> AppResult<()> {
        if self.rows > MAX_ROWS {
            return Err(AppError::LimitReached(
                "This export has more rows than a spreadsheet holds. Please narrow it with filters."
                    .into(),
            ));
        }
        let row = self.rows;
        match &mut self.out {
            Out::Xlsx(xlsx) => {
                let Xlsx {
                    workbook,
                    date,
                    date_time,
                } = &mut **xlsx;
                let sheet = workbook.worksheet_from_index(0).map_err(xlsx_error)?;
                for (i, (cell, column)) in cells.iter().zip(self.columns).enumerate() {
                    let col = i as u16;
                    match cell {
                        Cell::Number(n) => {
                            sheet
                                .write_number(row, col, *n as f64)
                                .map_err(xlsx_error)?;
                        }
                        Cell::Text(s) if !s.is_empty() => {
                            sheet
                                .write_string(row, col, s.as_str())
                                .map_err(xlsx_error)?;
                        }
                        Cell::Time(ms) => {
                            // Excel's dates have no zone: the wall clock is written.
                            let wall = self.zone.wall(*ms);
                            let (value, format) = if column.kind == ColumnKind::Date {
                                (wall.div_euclid(DAY_MS) * DAY_MS, &*date)
                            } else {
                                (wall, &*date_time)
                            };
                            let moment = ExcelDateTime::from_timestamp(value.div_euclid(1000))
                                .map_err(xlsx_error)?;
                            sheet
                                .write_datetime_with_format(row, col, &moment, format)
                                .map_err(xlsx_error)?;
                        }
                        Cell::Text(_) | Cell::Empty => {}
                    }
                }
            }
            Out::Csv(out) => {
                let texts: Vec<String> = cells
                    .iter()
                    .zip(self.columns)
                    .map(|(cell, column)| csv_text(cell, column.kind, &self.zone))
                    .collect();
                write_csv_line(out, texts.iter().map(String::as_str))?;
            }
        }
        self.rows += 1;
        Ok(())
    }

    /// Closes the file (compressing an XLSX off the async threads) and hands it over.
    pub async fn finish(self) -> AppResult<TempFile> {
        let Self {
            out,
            columns,
            rows,
            file,
            zone: _,
        } = self;
        match out {
            Out::Xlsx(xlsx) => {
                let mut workbook = xlsx.workbook;
                let last_col = columns.len().saturating_sub(1) as u16;
                // The file goes into the blocking task and comes back with it: if the job is
                // dropped meanwhile (cancelled, lease lost), the save still ends on that thread
                // and the file is deleted there, not left behind in the temporary folder.
                let (file, saved) = tokio::task::spawn_blocking(move || {
                    let saved = workbook.worksheet_from_index(0).and_then(|sheet| {
                        sheet.autofilter(0, 0, rows.saturating_sub(1), last_col)?;
                        Ok(())
                    });
                    let saved = saved.and_then(|()| workbook.save(file.path()));
                    (file, saved)
                })
                .await
                .map_err(|_| AppError::Internal)?;
                saved.map_err(xlsx_error)?;
                Ok(file)
            }
            Out::Csv(mut out) => {
                out.flush().map_err(io_error)?;
                Ok(file)
            }
        }
    }
}

const DAY_MS: i64 = 86_400_000;

/// A cell as CSV text. Times as ISO dates (`2026-12-05`, `2026-12-05 14:30`) in `zone`. Text
/// that a spreadsheet would run as a formula gets a leading apostrophe.
fn csv_text(cell: &Cell, kind: ColumnKind, zone: &Zone) -> String {
    match cell {
        Cell::Number(n) => n.to_string(),
        Cell::Text(s) => {
            if starts_formula(s) {
                format!("'{s}")
            } else {
                s.clone()
            }
        }
        Cell::Time(ms) => {
            if kind == ColumnKind::Date {
                crate::dates::date_input(*ms, zone)
            } else {
                crate::dates::date_time(*ms, zone)
            }
        }
        Cell::Empty => String::new(),
    }
}

/// Whether a spreadsheet could run the text as a formula: it starts with a trigger (the
/// full-width forms too, which some versions of Excel accept).
fn starts_formula(s: &str) -> bool {
    s.starts_with(['=', '+', '-', '@', '\t', '\r', '＝', '＋', '－', '＠'])
}

/// One CSV record, fields quoted where RFC 4180 needs it, ended by CRLF. A field with a
/// semicolon is quoted too: Excel in many locales splits on `;`, and a part after one must not
/// start a formula outside the field.
fn write_csv_line<'a>(
    out: &mut impl Write,
    fields: impl Iterator<Item = &'a str>,
) -> AppResult<()> {
    let mut line = String::new();
    for (i, field) in fields.enumerate() {
        if i > 0 {
            line.push(',');
        }
        if field.contains([',', '"', '\r', '\n', ';']) {
            line.push('"');
            line.push_str(&field.replace('"', "\"\""));
            line.push('"');
        } else {
            line.push_str(field);
        }
    }
    line.push_str("\r\n");
    out.write_all(line.as_bytes()).map_err(io_error)
}

/// Today's date in `zone`, for file names, e.g. `2026-12-05`.
pub fn today(zone: &Zone) -> String {
    crate::dates::date_input(crate::ssr::now_ms(), zone)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn csv_quotes_what_it_must_and_defuses_formulas() {
        let utc = Zone::utc();
        let mut out = Vec::new();
        write_csv_line(
            &mut out,
            ["a", "b,c", "say \"hi\"", "two\nlines"].into_iter(),
        )
        .unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "a,\"b,c\",\"say \"\"hi\"\"\",\"two\nlines\"\r\n"
        );
        assert_eq!(
            csv_text(&Cell::Text("=1+1".into()), ColumnKind::Text, &utc),
            "'=1+1"
        );
        assert_eq!(
            csv_text(&Cell::Text("＝1+1".into()), ColumnKind::Text, &utc),
            "'＝1+1"
        );
        // A semicolon-splitting Excel must not see `=HYPERLINK(…)` as a cell of its own.
        let mut out = Vec::new();
        write_csv_line(&mut out, ["Plan;=HYPERLINK(A2)"].into_iter()).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "\"Plan;=HYPERLINK(A2)\"\r\n"
        );
        assert_eq!(csv_text(&Cell::Number(-5), ColumnKind::Number, &utc), "-5");
        let ms = 1_765_000_000_000; // 2025-12-06 05:46:40 UTC
        assert_eq!(
            csv_text(&Cell::Time(ms), ColumnKind::Date, &utc),
            "2025-12-06"
        );
        assert_eq!(
            csv_text(&Cell::Time(ms), ColumnKind::DateTime, &utc),
            "2025-12-06 05:46"
        );
        // Written on the zone's clock: 05:46 UTC is 00:46 in New York (UTC−5 in December).
        let new_york = Zone {
            name: "America/New_York".into(),
            offsets: vec![(i64::MIN, -300)],
        };
        assert_eq!(
            csv_text(&Cell::Time(ms), ColumnKind::DateTime, &new_york),
            "2025-12-06 00:46"
        );
        assert_eq!(
            csv_text(&Cell::Time(ms - 6 * 3_600_000), ColumnKind::Date, &new_york),
            "2025-12-05"
        );
    }
}
