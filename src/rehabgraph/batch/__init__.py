"""Answering many stored reports on Dask (extra ``rehabgraph[batch]``: Dask and pyarrow).

``run_batch(IN, OUT)`` reads reports from Parquet, CSV or JSON Lines (one report a row: JSON in
a ``report`` column, or flat columns for one site), answers them with one ``Recommender`` per
worker process, and writes Parquet row for row: the status, the exercise ids in order, the
referral's urgency, the warnings, the whole Recommendation as JSON, and a bad row's error in its
row (never a failed batch). It runs on a local Dask cluster of worker processes by default, or on
any Dask cluster by its scheduler address.
"""

from rehabgraph.batch.answer import OUTPUT_COLUMNS, answer_rows, report_of_row
from rehabgraph.batch.run import BatchSummary, run_batch

__all__ = ["OUTPUT_COLUMNS", "BatchSummary", "answer_rows", "report_of_row", "run_batch"]
