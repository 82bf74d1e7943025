"""The query pipeline, one stage a module: parse -> correct -> expand -> retrieve -> rerank -> explain."""
