"""Search analytics: scrubbed events off the request path, a store with migrations, and k-anonymous reports."""
