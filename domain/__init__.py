"""Pure domain rules: no database, no network, no bot framework (imports core, stdlib, pydantic)."""
