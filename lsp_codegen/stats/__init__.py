"""Local acceptance statistics: what was shown, accepted and partly accepted, and how fast.

Records stay on this machine, in a JSON-lines file under the user cache directory;
they hold a language id, counts and timings — never code, paths or URIs.
"""
