"""edusearch indexer: read → split into reports and sections → analyse → index; query → search."""
