"""Bulk loading of files into collections (``weavorm load``): JSONL, CSV, Parquet."""

from weavorm.loader._load import LoadReport, load_file, row_id

__all__ = ["LoadReport", "load_file", "row_id"]
