"""Alembic environment: runs on the connection storage.migrate hands over."""

from __future__ import annotations

import importlib
import pkgutil

from alembic import context
from sqlmodel import SQLModel

import storage

# Every table module registers itself: storage/models.py and storage/*_models.py.
for _mod in pkgutil.iter_modules(storage.__path__):
    if _mod.name == "models" or _mod.name.endswith("_models"):
        importlib.import_module(f"storage.{_mod.name}")

target_metadata = SQLModel.metadata
connection = context.config.attributes.get("connection")
if connection is None:  # `alembic revision --autogenerate` from a shell
    from sqlalchemy import create_engine

    from storage.db import normalise_url

    url = context.config.get_main_option("sqlalchemy.url") or ""
    connectable = create_engine(normalise_url(url))
    connection = connectable.connect()

context.configure(
    connection=connection,
    target_metadata=target_metadata,
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
