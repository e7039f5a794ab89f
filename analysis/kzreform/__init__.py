"""Analysis code for the study of Kazakhstan's constitutional reforms.

Every rule the study applies lives in this package; notebooks and the report
only load, call and show. The package is laid out by domain, in layers; a
module imports only from its own layer or the layers below it::

    cli                      python -m kzreform COMMAND
    workflows/               add_source, coding_sheet, notebooks, release
    report/                  tables, charts, citation, dictionary, environment,
                             assets, rendered_html            (presentation)
    pipeline/                build, stages, validation, rules, results
    evidence/                quotes, build, rules
    provisions/  framing/    periods, matrix, law, build,      analysis, coders,
                             rules, display                    features,
                                                               reliability,
                                                               intercoder,
                                                               adjudication,
                                                               build, rules,
                                                               display, charts
    corpus/                  segment, duplicates, build, rules, overview, charts
    core/                    paths, errors, data, transaction, schema, codebook,
                             vocabulary, settings, cache, bootstrap

Each domain (corpus, provisions, framing, evidence) has the same parts: its
builders in ``build.py`` (what its build stage writes to ``data/processed/``),
its content rules in ``rules.py``, the analyses both use, and its presentation
(``display.py``, ``charts.py``, ``overview.py``), which reads stored tables.

The import rules, enforced by ``tests/test_layers.py``:

- a lower layer never imports a higher one; provisions and framing, one
  layer, never import each other;
- domain, core and pipeline code never imports presentation (``report/``,
  ``display``, ``charts``, ``overview``);
- presentation never imports a builder (``build.py``, ``pipeline/``,
  ``workflows/``, ``cli``), so what a reader sees comes from stored tables;
- imports are absolute (``from kzreform.core.data import load_table``).
"""

import sys

# jsonschema, which Frictionless and Altair import, checks the "iri" and
# "iri-reference" formats with rfc3987_syntax when that is installed (Jupyter's
# dependencies install it), and importing rfc3987_syntax compiles 38 grammars:
# 1.2 to 2.7 s in every process, more than the rest of a refused build. Nothing
# in the study validates IRIs by format, so the module is marked absent and
# jsonschema leaves those two formats unchecked, as wherever it is not installed.
sys.modules.setdefault("rfc3987_syntax", None)
