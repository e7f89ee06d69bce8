"""Pure rules without I/O: imports only core, domain, the standard library and pydantic."""
