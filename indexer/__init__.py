"""Builds the vector index from the documents in knowledge/: load → sections → chunks → embed → publish."""
