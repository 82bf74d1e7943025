"""The HTTP layer: FastAPI app factory, routes and pydantic schemas."""
