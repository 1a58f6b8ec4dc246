"""The code actions at the protocol edge: what each offers, and the edit it resolves to.

`comment` (Generate code from comment, one action per candidate), `run` (Run
selection), `function` (Optimize, Explain, Write tests: `optimize`, `explain`,
`write_tests`), and `types`, what they share. The handlers that register them
live in server/features.
"""
