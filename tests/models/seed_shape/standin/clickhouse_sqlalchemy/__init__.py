"""A stand-in for clickhouse-sqlalchemy 0.3.2 (PyPI), for the tests only: that package requires
SQLAlchemy < 2.1, so it cannot be installed beside the SQLAlchemy 2.1 the main test environment runs. It has
what a model's `__table_args__` uses, with the real package's module path, class names and attributes
(`engines.MergeTree(order_by=..., partition_by=..., primary_key=..., sample_by=..., ttl=..., **settings)` and
the engine family), so the provider, which reads them by duck typing, sees what it would see with the real
package. tests/dialects/test_clickhouse_seed.py also runs the model against the real package (full tier)."""
