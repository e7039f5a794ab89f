"""What the supplement shows, written before each render (the page runs no code).

``report/supplement.qmd`` includes each block as ``_generated/<stem>.md``: the
data package's files and fields, the Python packages pinned and installed
where the report is built, and the changelog. The supplement is an HTML page
only, so its tables are the HTML :func:`kzreform.report.tables.report_table`
writes, as raw HTML blocks inside the page's table floats.
"""

from __future__ import annotations

import pandas as pd

from kzreform.report import citation, dictionary, environment
from kzreform.report.tables import report_table


def _raw_html_table(table: pd.DataFrame) -> str:
    return f"```{{=html}}\n{report_table(table)._repr_html_()}\n```"


def supplement_blocks() -> dict[str, str]:
    """Markdown blocks the supplement includes, by file stem."""
    return {"supplement-data-files": _raw_html_table(dictionary.data_tables()),
            "supplement-data-dictionary": _raw_html_table(dictionary.data_dictionary()),
            "supplement-environment": _raw_html_table(environment.environment_table()),
            "supplement-changelog": citation.changelog_markdown()}
