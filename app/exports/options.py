"""The `format` and `dialect` query parameters of every tabular route, and the one way such a route answers."""

import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from fastapi import Depends, Query, Response
from fastapi.responses import StreamingResponse

from app.errors import Unprocessable, problem_responses
from app.exports.tables import Dialect, Table, csv_chunks, csv_text
from app.exports.xlsx import MEDIA_TYPE, write_xlsx

Format = Literal["json", "csv", "xlsx"]
RawFormat = Literal["csv", "xlsx", "sps", "sav"]
CSV_MEDIA_TYPE = "text/csv; charset=utf-8"

TABLE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "JSON; with `format=csv` the same figures as CSV (rounded, `dialect` chooses separators); "
                         "with `format=xlsx` as an Excel workbook (full precision, one sheet per table)",
          "content": {"text/csv": {"schema": {"type": "string"}},
                      MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}}}},
    422: {**problem_responses(422)[422], "description": "A bad parameter, `format` or `dialect`"}}


@dataclass(frozen=True)
class Export:
    format: Format | RawFormat
    dialect: Dialect

    @property
    def tabular(self) -> bool:
        return self.format != "json"

    def respond(self, *tables: Table) -> Response:
        """The tables as CSV (the first only: every report's CSV is one table) or XLSX, as an attachment."""
        name = tables[0].name
        if self.format == "xlsx":
            with tempfile.SpooledTemporaryFile(max_size=8 << 20) as out:
                write_xlsx(tables, out)
                out.seek(0)
                body = out.read()
            return Response(body, media_type=MEDIA_TYPE, headers=_attachment(f"{name}.xlsx"))
        return Response(csv_text(tables[0], self.dialect), media_type=CSV_MEDIA_TYPE,
                        headers=_attachment(f"{name}.csv"))

    def stream(self, table: Table, headers: dict[str, str]) -> StreamingResponse:
        """A long table (the raw export), written while its rows are read."""
        if self.format == "xlsx":
            return StreamingResponse(_xlsx_chunks([table]), media_type=MEDIA_TYPE,
                                     headers={**_attachment(f"{table.name}.xlsx"), **headers})
        return StreamingResponse(csv_chunks(table, self.dialect), media_type=CSV_MEDIA_TYPE,
                                 headers={**_attachment(f"{table.name}.csv"), **headers})


def _attachment(filename: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"}


def _xlsx_chunks(tables: Sequence[Table]) -> Iterator[bytes]:
    with tempfile.TemporaryFile() as out:
        write_xlsx(tables, out, streamed=True)
        out.seek(0)
        while chunk := out.read(1 << 16):
            yield chunk


DialectQuery = Annotated[Dialect | None, Query(description="With `format=csv`: `rfc4180` (default: comma, `.` "
                                                          "decimals) or `excel-nl` (Dutch Excel: semicolon, decimal "
                                                          "comma, UTF-8 byte order mark)")]


def export_options(
    format: Annotated[Format, Query(description="`json`; `csv`: the same figures as a table (text/csv, floats "
                                                "rounded: docs/exports.md); `xlsx`: an Excel workbook")] = "json",
    dialect: DialectQuery = None,
) -> Export:
    return _checked(format, dialect)


def raw_export_options(
    format: Annotated[RawFormat, Query(description="`csv`; `xlsx` (an Excel workbook: the answers as numbers, an "
                                                   "`about` sheet); `sps`: SPSS syntax with the data inside, "
                                                   "variable and value labels; `sav`: an SPSS data file with the "
                                                   "same labels (docs/exports.md)")] = "csv",
    dialect: DialectQuery = None,
) -> Export:
    return _checked(format, dialect)


def _checked(format: Format | RawFormat, dialect: Dialect | None) -> Export:
    if dialect is not None and format != "csv":
        raise Unprocessable("`dialect` applies to `format=csv` only.",
                            errors=[{"loc": ["query", "dialect"], "msg": "only with format=csv",
                                     "type": "value_error"}])
    return Export(format, dialect or "rfc4180")


ExportDep = Annotated[Export, Depends(export_options)]
RawExportDep = Annotated[Export, Depends(raw_export_options)]
