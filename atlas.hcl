# Atlas project file for the example application (examples/shop).
#
#   atlas migrate diff --env sqlalchemy --var dialect=postgresql
#   atlas migrate diff --env sqlalchemy --var dialect=clickhouse
#
# Atlas runs atlas-provider, takes its stdout as the desired schema and loads it into the dev database,
# which must be empty. The shop uses two schemas (the default one and `analytics`), so every dev URL is
# database-scoped: Atlas cleans only what the URL scopes, and a schema-scoped dev database would keep
# `CREATE SCHEMA analytics` between runs and leave its tables out of every migration.
# Without Docker, point the dev database of a dialect at any empty database:
#   export ATLAS_DEV_URL_POSTGRESQL="postgres://postgres@127.0.0.1:5432/dev?sslmode=disable"
#   export ATLAS_DEV_URL_MYSQL="mysql://root@127.0.0.1:3306/"

variable "dialect" {
  type    = string
  default = "postgresql"
}

locals {
  docker_dev_url = {
    postgresql = "docker://postgres/15/dev"
    mysql      = "docker://mysql/8"
    mariadb    = "docker://mariadb/latest"
    sqlite     = "sqlite://dev?mode=memory"
    mssql      = "docker://sqlserver/2022-latest/dev?mode=database"
    clickhouse = "docker://clickhouse/23.11"
  }
  env_dev_url = {
    postgresql = getenv("ATLAS_DEV_URL_POSTGRESQL")
    mysql      = getenv("ATLAS_DEV_URL_MYSQL")
    mariadb    = getenv("ATLAS_DEV_URL_MARIADB")
    sqlite     = getenv("ATLAS_DEV_URL_SQLITE")
    mssql      = getenv("ATLAS_DEV_URL_MSSQL")
    clickhouse = getenv("ATLAS_DEV_URL_CLICKHOUSE")
  }
  dev_url = local.env_dev_url[var.dialect] != "" ? local.env_dev_url[var.dialect] : local.docker_dev_url[var.dialect]
}

data "external_schema" "sqlalchemy" {
  program = [
    "atlas-provider",
    "--path", "examples/shop",
    "--dialect", var.dialect,
  ]
}

env "sqlalchemy" {
  src = data.external_schema.sqlalchemy.url
  dev = local.dev_url
  migration {
    dir = "file://migrations/${var.dialect}"
  }
  format {
    migrate {
      diff = "{{ sql . \"  \" }}"
    }
  }
}
