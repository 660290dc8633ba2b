# Written by `atlas-provider init`. Atlas reads the SQLAlchemy model by running atlas-provider.
#
#   atlas migrate diff --env app     # postgresql: migrations in migrations/postgresql
#   atlas migrate diff --env lake    # clickhouse: migrations in migrations/clickhouse
#   atlas migrate diff --env sqlalchemy --var dialect=postgresql    # the same, for any dialect below
#
# Dev databases are Atlas's docker images. To use any other EMPTY database instead, set
# ATLAS_DEV_URL_POSTGRESQL or ATLAS_DEV_URL_CLICKHOUSE.
# postgresql: database-scoped: the model also uses schema(s) analytics, which a schema-scoped dev database would keep between runs and leave out of every migration.
# clickhouse: database-scoped: the model also uses schema(s) analytics, which a schema-scoped dev database would keep between runs and leave out of every migration.

variable "dialect" {
  type    = string
  default = "postgresql"
}

locals {
  dev_url = {
    postgresql = getenv("ATLAS_DEV_URL_POSTGRESQL") != "" ? getenv("ATLAS_DEV_URL_POSTGRESQL") : "docker://postgres/15/dev"
    clickhouse = getenv("ATLAS_DEV_URL_CLICKHOUSE") != "" ? getenv("ATLAS_DEV_URL_CLICKHOUSE") : "docker://clickhouse/23.11"
  }
}

# The template: atlas migrate diff --env sqlalchemy --var dialect=<postgresql|clickhouse>
data "external_schema" "sqlalchemy" {
  program = ["atlas-provider", "--path", "shop", "--dialect", var.dialect]
}

env "sqlalchemy" {
  src = data.external_schema.sqlalchemy.url
  dev = local.dev_url[var.dialect]
  migration {
    dir = "file://migrations/${var.dialect}"
  }
}

# app: postgresql
data "external_schema" "app" {
  program = ["atlas-provider", "--path", "shop", "--dialect", "postgresql"]
}

env "app" {
  src = data.external_schema.app.url
  dev = local.dev_url.postgresql
  migration {
    dir = "file://migrations/postgresql"
  }
}

# lake: clickhouse
data "external_schema" "lake" {
  program = ["atlas-provider", "--path", "shop", "--dialect", "clickhouse"]
}

env "lake" {
  src = data.external_schema.lake.url
  dev = local.dev_url.clickhouse
  migration {
    dir = "file://migrations/clickhouse"
  }
}
