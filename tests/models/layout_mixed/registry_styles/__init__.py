"""Every way SQLAlchemy code fills a MetaData: declarative bases, registry(), Core tables, SQLModel."""
