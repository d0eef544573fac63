"""`python -m indexer.cli`: the edusearch command, from a checkout without its script installed
(the benchmarks start a server of the code they measure this way)."""

from indexer.cli import main

main()
