"""The open-source projects of the real-project tier: what is installed, how the provider is pointed at each, and
where the project keeps its own MetaData.

Pure data, read both by the tests (in the test environment) and by ``inside.py`` (in the projects' environment),
so it imports nothing but the standard library.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class RealProject:
    """One installed project whose own database schema is a SQLAlchemy model."""

    name: str  # the pytest id
    covers: str  # which of issue 9's cases it stands for
    args: tuple[str, ...]  # what a user passes to atlas-provider (before --dialect)
    #: "module:attr.path" of every MetaData the project's own code fills; importing the modules fills them.
    metadata: tuple[str, ...]
    tables: int  # distinct table names those MetaData hold together
    #: backend -> what its database rejects, left out by --skip-defects with one stderr line each: a foreign key
    #: as "table.column", an index as "table.index_name". A project with any runs with --skip-defects.
    left_out: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: "module:name" globals that are context proxies, which loading must pass over without evaluating them.
    proxies: tuple[str, ...] = ()
    #: backend -> what the one-line refusal names, where the project's model holds something that database
    #: rejects and that cannot be left out (a column).
    refused: Mapping[str, str] = field(default_factory=dict)

    @property
    def skip_defects(self) -> bool:
        return bool(self.left_out)

    @property
    def modules(self) -> list[str]:
        """The modules the arguments name, which the project's own code imports to fill its MetaData."""
        pairs = zip(self.args[::2], self.args[1::2])
        return [value.partition(":")[0] for flag, value in pairs if flag == "--model"]


_MLFLOW_EMPTY_INDEXES = (
    "trace_request_metadata.index_trace_request_metadata_request_id",
    "trace_tags.index_trace_tags_request_id",
)

PROJECTS: tuple[RealProject, ...] = (
    # A workflow engine: Core tables in three MetaData (runs, event log, schedules), each of which declares
    # the same `secondary_indexes` table, identically.
    RealProject(
        "dagster",
        "several MetaData of Core tables; one table declared identically in three of them",
        (
            "--model", "dagster._core.storage.runs.schema",
            "--model", "dagster._core.storage.event_log.schema",
            "--model", "dagster._core.storage.schedules.schema",
        ),
        (
            "dagster._core.storage.runs.schema:RunStorageSqlMetadata",
            "dagster._core.storage.event_log.schema:SqlEventLogStorageMetadata",
            "dagster._core.storage.schedules.schema:ScheduleStorageSqlMetadata",
        ),
        tables=21,
    ),
    # An MLOps framework whose server store is a SQLModel model (SQLModel's own MetaData).
    RealProject(
        "zenml",
        "a SQLModel model in an installed package, by bare --model",
        ("--model", "zenml.zen_stores.schemas"),
        ("zenml.zen_stores.schemas.base_schemas:SQLModel.metadata",),
        tables=52,
        # ZenML's store runs on MySQL and SQLite; zenml builds this foreign key's name itself, 64 characters
        # long, one more than PostgreSQL keeps.
        left_out={"postgresql": ("model_versions_artifacts.artifact_version_id",)},
        # String(16777215).with_variant(MEDIUMTEXT, "mysql"): MySQL's MEDIUMTEXT, and elsewhere a VARCHAR
        # longer than PostgreSQL stores, which rejects CREATE TABLE; a column cannot be left out, so the
        # provider refuses, naming the first such column (deployment.deployment_metadata).
        refused={"postgresql": "is VARCHAR(16777215), longer than the 10485760 characters postgresql allows"},
    ),
    # A Flask application: Flask-SQLAlchemy's db.Model, SQLAlchemy-Continuum version tables, and the
    # `current_app` and `g` proxies among the model module's globals.
    RealProject(
        "ihatemoney",
        "a Flask-SQLAlchemy module with proxies in its globals",
        ("--model", "ihatemoney.models"),
        ("ihatemoney.models:db.metadata",),
        tables=10,
        proxies=("ihatemoney.models:current_app", "ihatemoney.models:g"),
    ),
    # An ML tracking server: input_tags.input_uuid refers to inputs.input_uuid, which is indexed but not
    # unique (PostgreSQL rejects that foreign key, MariaDB and SQLite accept it), and trace_tags and
    # trace_request_metadata each declare an index without columns, which every database rejects.
    RealProject(
        "mlflow",
        "upstream defects: a foreign key to a non-unique column, past with --skip-defects",
        (
            "--model", "mlflow.store.tracking.dbmodels.models",
            "--model", "mlflow.store.model_registry.dbmodels.models",
            "--model", "mlflow.store.workspace.dbmodels.models",
        ),
        ("mlflow.store.db.base_sql_model:Base.metadata",),
        tables=64,
        left_out={
            "postgresql": ("input_tags.input_uuid", *_MLFLOW_EMPTY_INDEXES),
            "mariadb": _MLFLOW_EMPTY_INDEXES,
            # SQLite creates a foreign key to non-unique columns but fails every insert ("foreign key mismatch").
            "sqlite": ("input_tags.input_uuid", *_MLFLOW_EMPTY_INDEXES),
        },
    ),
)
