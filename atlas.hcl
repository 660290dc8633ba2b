# Atlas project file for the example application (examples/shop).
#
#   atlas migrate diff --env sqlalchemy --var dialect=postgresql
#   atlas migrate diff --env sqlalchemy --var dialect=clickhouse
#
# Atlas runs atlas-provider, takes its stdout as the desired schema and loads it into the dev database,
# which must be empty. Without Docker, point the dev database of a dialect at any empty database:
#   export ATLAS_DEV_URL_POSTGRESQL="postgres://postgres@127.0.0.1:5432/dev?sslmode=disable"
#   export ATLAS_DEV_URL_MYSQL="mysql://root@127.0.0.1:3306/dev"

variable "dialect" {
  type    = string
  default = "postgresql"
}

locals {
  docker_dev_url = {
    postgresql = "docker://postgres/15/dev?search_path=public"
    mysql      = "docker://mysql/8/dev"
    mariadb    = "docker://mariadb/latest/dev"
    sqlite     = "sqlite://dev?mode=memory"
    mssql      = "docker://sqlserver/2022-latest/dev?mode=schema"
    clickhouse = "docker://clickhouse/23.11/dev"
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
