"""Alembic environment: runs on the connection storage.migrate hands over."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

# Every table module registers its tables on import: storage/models.py and each
# storage/*_models.py (a new one goes here; tests/test_layers.py checks the list).
from storage import (  # noqa: F401
    delivery_models,
    graph_models,
    innspill_models,
    live_models,
    meeting_models,
    members_models,
    minutes_models,
    minutes_review_models,
    models,
    nomination_models,
    privacy_models,
    profile_models,
    round_models,
    subregions_models,
)

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
