"""Peer engines measured beside edusearch; each runs in its own process (see run_peer.py)."""
